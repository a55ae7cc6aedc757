package engine

import (
	"context"
	"errors"
	"io"
)

// ErrNoBuildKit is returned (wrapped) by BuildKitBuilder methods when the
// engine has no BuildKit the adapter can reach (API too old, BuildKit
// disabled, another engine such as Podman). The message names the engine.
var ErrNoBuildKit = errors.New("the engine has no BuildKit")

// BuildKitSpec describes an image build with the engine's embedded BuildKit
// and its Dockerfile frontend. The context and the Dockerfile are host
// directories the engine reads through the build session's file sync: only
// files that changed since the engine's last copy under the same SharedKey
// cross the session.
type BuildKitSpec struct {
	ContextDir    string   // host directory of the build context ("" with RemoteContext)
	RemoteContext string   // a git or tarball URL the engine fetches itself
	DockerfileDir string   // host directory holding the Dockerfile ("" with RemoteContext)
	Dockerfile    string   // file name in DockerfileDir (or path in the remote context)
	Excludes      []string // .dockerignore patterns applied to ContextDir
	// SharedKey identifies the context across builds (stable for one
	// source directory), so the engine reuses its previous copy.
	SharedKey string

	Tags       []string
	BuildArgs  map[string]*string
	Target     string
	NoCache    bool
	Pull       bool
	Labels     map[string]string
	Platform   string
	Network    string // "", "default", "host" or "none"
	ExtraHosts []string
	CacheFrom  []string // registry references to import cache from
	// InlineCache embeds cache metadata in the image (BUILDKIT_INLINE_CACHE=1)
	// so a pushed tag can serve as CacheFrom later.
	InlineCache bool
	Auth        map[string]RegistryAuth

	// Secrets are RUN --mount=type=secret values by id; they are served to
	// the engine through the session and never stored in the image.
	Secrets map[string][]byte
	// SSHAgent is the ssh-agent socket lent as --ssh default; "" for none.
	SSHAgent string

	// Mask, when set, hides secret values in the build's progress before
	// it is displayed: BuildKit's display wraps and truncates lines to the
	// terminal's width, which would split a secret where a masking writer
	// behind the display no longer sees it whole.
	Mask *ProgressMask
}

// ProgressMask hides secret values in a build's progress.
type ProgressMask struct {
	// Text masks a short text: a step's name, error or warning.
	Text func(string) string
	// Stream returns a writer that masks a stream (one step's stdout or
	// stderr) written in chunks, a secret split across chunks included,
	// into w; Close writes what it still holds back.
	Stream func(w io.Writer) io.WriteCloser
}

// BuildKitInfo describes the engine's embedded BuildKit.
type BuildKitInfo struct {
	// Engine names the engine, e.g. "Docker Engine 20.10.24 (API 1.41)".
	Engine string
	// Version is BuildKit's version when the engine reports it ("" for
	// BuildKit before 0.11, which has no Info call).
	Version string
	// Heredocs reports whether the built-in Dockerfile frontend understands
	// heredocs (Dockerfile syntax 1.4, BuildKit 0.10 and later).
	Heredocs bool
}

// BuildKitBuilder is implemented by engines that can build with their own
// embedded BuildKit (no extra daemon, no helper container).
type BuildKitBuilder interface {
	// BuildKitInfo reports whether the engine's BuildKit is reachable: an
	// error wrapping ErrNoBuildKit, naming the engine, when it is not.
	BuildKitInfo(ctx context.Context) (BuildKitInfo, error)
	// BuildKit builds an image, writing BuildKit's plain progress (the
	// lines of `docker build --progress=plain`) to out, or its progress
	// drawn in place (--progress=tty) when out is a Terminal. Cancelling ctx stops
	// the solve and closes the session.
	BuildKit(ctx context.Context, spec BuildKitSpec, out io.Writer) (BuildKitResult, error)
}

// BuildKitResult is what a BuildKit build produced.
type BuildKitResult struct {
	ImageID string // "sha256:..." (the image config digest)
	// SessionBytes counts the bytes acb sent over the build session
	// (context and Dockerfile transfer, secrets): what an incremental
	// rebuild costs.
	SessionBytes int64
}
