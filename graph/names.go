package graph

// ValidContainerName reports whether id can name a Docker container as is:
// [a-zA-Z0-9][a-zA-Z0-9_.-]+, the engine's rule (so at least two
// characters). ACR names each step container by its id.
func ValidContainerName(id string) bool {
	if len(id) < 2 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '_' && c != '.' && c != '-') {
			return false
		}
	}
	return true
}
