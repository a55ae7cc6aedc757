package graph

// ParseOptions configures Parse. The zero value parses strictly, names the
// input "<input>" in messages and adds no CLI defaults.
type ParseOptions struct {
	// File names the input in diagnostics. Default "<input>".
	File string
	// Lenient turns unknown and duplicate keys into warnings, as the
	// reference engine (yaml.v2, non-strict) does: unknown keys are ignored
	// and the last of several duplicate keys wins. Default false: they are
	// errors.
	Lenient bool
	// LineMap maps a line of the rendered text to the line of the original
	// file, for messages. Nil means the identity. Columns are not mapped.
	LineMap func(renderedLine int) (origLine int)
	// Network is the --network flag: an existing network added to the end
	// of the task's networks as {Name, Driver: "external", SkipCreation,
	// IsDefault}. Because networks are then not empty, acb_default_network
	// is not added. Default "": none.
	Network string
	// WorkingDirectory is the --working-directory flag: the task's working
	// directory when the task sets none. Default "".
	WorkingDirectory string
	// Env is the --env flag: KEY=value defaults for every step, used for
	// keys neither the step nor the task sets. Entries are taken as given
	// (no comma splitting; the CLI layer splits flag values). Default none.
	Env []string
	// CheckSecretURL, when set, checks each secret's keyvault URL offline
	// (as ACR does before it fetches); an error is reported at the URL.
	// Default nil: URLs are not checked here.
	CheckSecretURL func(url string) error
}

// DefaultFileName is the name Parse uses for the input when
// ParseOptions.File is empty.
const DefaultFileName = "<input>"
