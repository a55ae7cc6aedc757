package main

import (
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/acb-dev/acb/runner/load"
	"github.com/acb-dev/acb/secrets"
	"github.com/acb-dev/acb/template"
)

// loadFlags are the flags every command that reads a task file shares.
type loadFlags struct {
	file        string
	values      []string
	set         []string
	setSecret   []string
	secrets     []string
	secretFiles []string
	aliases     []string
	env         []string
	envFiles    []string
	network     string
	workdir     string
	lenient     bool
	allowNet    bool // the load may reach the network (acb run; --allow-network elsewhere)
	run         template.RunOptions
	stdin       io.Reader        // the command's input, for -f -
	local       *secrets.Offline // --secret-file, --secret, ACB_SECRET_*: read once (offlineSecrets)
}

func (f *loadFlags) register(fs *pflag.FlagSet, withFile bool) {
	if withFile {
		fs.StringVarP(&f.file, "file", "f", "acb.yaml", "task file (- for stdin)")
	}
	fs.StringArrayVar(&f.values, "values", nil, "YAML values file (repeatable; later files win)")
	fs.StringArrayVar(&f.set, "set", nil, "template value key=value (repeatable; a.b=c sets a nested key)")
	fs.StringArrayVar(&f.setSecret, "set-secret", nil, "secret template value key=value, read as .Values.key and masked")
	fs.StringArrayVar(&f.secrets, "secret", nil, "offline value of a task secret id=value")
	fs.StringArrayVar(&f.secretFiles, "secret-file", nil, "file of offline task secrets (YAML map or ID=VALUE lines); ACB_SECRET_<ID> variables work too")
	fs.StringArrayVar(&f.aliases, "alias", nil, "override a predefined alias name=value, e.g. bash=local/bash:1")
	fs.StringArrayVar(&f.env, "env", nil, "default environment KEY=VALUE for every step")
	fs.StringArrayVar(&f.envFiles, "env-file", nil, "file of default environment for every step, in the docker CLI's format (KEY=VALUE lines; --env wins)")
	fs.StringVar(&f.network, "network", "", "use this existing network as every step's default")
	fs.StringVar(&f.workdir, "working-directory", "", "default working directory when the task sets none")
	fs.BoolVar(&f.lenient, "lenient", false, "accept with a warning what ACR accepts: unknown and duplicate keys, negative timeout/startDelay, two alias blocks, unknown alias keys; unknown .Run.X renders empty")
	fs.StringVar(&f.run.ID, "id", "", "run id (.Run.ID, $ID)")
	fs.StringVarP(&f.run.Registry, "registry", "r", "", "the run's registry login server (.Run.Registry, $Registry)")
	fs.StringVarP(&f.run.Commit, "commit", "c", "", "commit (.Run.Commit)")
	fs.StringVar(&f.run.Branch, "branch", "", "branch (.Run.Branch)")
	fs.StringVar(&f.run.Repository, "repository", "", "repository (.Run.Repository)")
	fs.StringVar(&f.run.TriggeredBy, "triggered-by", "", "trigger (.Run.TriggeredBy)")
	fs.StringVar(&f.run.GitTag, "git-tag", "", "git tag (.Run.GitTag)")
	fs.StringVar(&f.run.OSVersion, "os-version", "", "OS version (.Run.OSVersion)")
	fs.StringVar(&f.run.TaskName, "name", "", "task name (.Run.TaskName)")
}

// registerNetwork adds --allow-network to the commands that read a task
// without running it: by default they reach no network, so they are safe
// on an untrusted task file.
func (f *loadFlags) registerNetwork(fs *pflag.FlagSet) {
	fs.BoolVar(&f.allowNet, "allow-network", false, "fetch alias src URLs and let getHostByName resolve, as acb run does (off: a URL src is reported, not fetched)")
}

// offlineSecrets reads --secret-file and --secret (later wins), plus the
// ACB_SECRET_<ID> environment variables, into an offline secret source,
// once per command (acb validate loads many files).
func (f *loadFlags) offlineSecrets() (*secrets.Offline, error) {
	if f.local != nil {
		return f.local, nil
	}
	maps := []map[string]string{}
	for _, path := range f.secretFiles {
		m, err := secrets.ReadSecretFile(path)
		if err != nil {
			return nil, err
		}
		maps = append(maps, m)
	}
	flags, err := secrets.ParseSecretFlags(f.secrets)
	if err != nil {
		return nil, err
	}
	maps = append(maps, flags)
	f.local = secrets.NewOffline(secrets.Merge(maps...), os.LookupEnv)
	return f.local, nil
}

// options turns the flags into load.Options for one file. Task
// secrets resolve from the offline sources, then from remote (acb run's Key
// Vault; nil: offline only); every secret value resolved, and every
// --set-secret value, is added to masker as soon as it is known, so errors
// of the load can be masked.
func (f *loadFlags) options(file string, masker *secrets.Masker, remote secrets.Resolver) (load.Options, error) {
	local, err := f.offlineSecrets()
	if err != nil {
		return load.Options{}, asInput(err)
	}
	addSetSecrets(masker, f.setSecret)
	env, err := readEnvFiles(f.envFiles)
	if err != nil {
		return load.Options{}, asInput(err)
	}
	run := f.run // package load generates the run id when --id is empty
	return load.Options{
		File:             file,
		Stdin:            f.stdin,
		ValuesFiles:      f.values,
		Set:              f.set,
		SetSecrets:       f.setSecret,
		Resolver:         load.SecretsResolver(maskingResolver{&secrets.Chain{Local: local, Remote: remote, OfflineOnly: remote == nil}, masker}),
		Run:              run,
		Aliases:          f.aliases,
		Lenient:          f.lenient,
		Network:          f.network,
		WorkingDirectory: f.workdir,
		DefaultEnv:       lastWins(append(env, f.env...)),
		AllowNetwork:     f.allowNet,
	}, nil
}
