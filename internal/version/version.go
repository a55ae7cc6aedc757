// Package version holds the build's version, set at link time by the Makefile.
package version

// Version is the release or git description; "dev" for plain go builds.
var Version = "dev"

// Revision is the git commit the binary was built from.
var Revision = "unknown"
