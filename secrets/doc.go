// Package secrets will hold everything acb does with secret values.
//
// For now it holds masking only: a Masker replaces every known secret value
// with "***" in strings and in streamed output (MaskWriter). Resolving
// secrets from Azure Key Vault comes later and will feed the values it
// resolves to a Masker.
//
// # What is masked
//
// For each value given to NewMasker or Masker.Add, these patterns are masked:
//
//   - the value itself, and the value with surrounding white space trimmed
//     (values read from files often end in a newline);
//   - its base64 encodings: standard and URL alphabets, each with and
//     without padding;
//   - the part of its base64 encoding that is fixed when the value sits at
//     any of the three byte alignments inside a longer encoded text, as in
//     the "auth" field of a docker config.json ("user:secret"), when that
//     part is at least 6 characters long;
//   - its URL query and path escapings, when they differ from the value;
//   - for multi-line values: the value with "\r\n" line ends, and each
//     line (without its "\r") that is at least 4 bytes long.
//
// Values shorter than 3 bytes are ignored: masking one- or two-character
// strings would destroy the output while protecting nothing.
//
// Every region of the output covered by one or more occurrences of any
// pattern is replaced by a single "***", so overlapping secrets are masked
// as a whole and the longest match always wins.
package secrets
