package runner

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/acb-dev/acb/auth"
	"github.com/acb-dev/acb/graph"
	"github.com/acb-dev/acb/runner/engine"
	"github.com/acb-dev/acb/runner/source"
	"github.com/acb-dev/acb/template"
)

// HomeDir is where the run's home volume (with .docker/config.json) is
// mounted in every step container; HOME points there.
const HomeDir = "/acb/home"

// setup creates the run volume (filled with the source), the networks, the
// home volume with the Docker configuration, and the secret volumes. The
// engine work of the volume, the networks and the home volume runs
// concurrently (they do not depend on each other); the log lines come in
// ACR's order as each part completes. Every part has ended when setup
// returns, so clean-up sees all that was created.
func (r *run) setup(ctx context.Context) error {
	defer r.timed(TimeSetup, time.Now())
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	source := r.startPart(ctx, func(ctx context.Context) error {
		defer r.timed(TimeSetupVolume, time.Now())
		return r.setupSource(ctx)
	})
	var nets []netResult
	networks := r.startPart(ctx, func(ctx context.Context) error {
		defer r.timed(TimeSetupNetworks, time.Now())
		nets = r.setupNetworks(ctx)
		return nil
	})
	var cfgJSON []byte
	home := r.startPart(ctx, func(ctx context.Context) (err error) {
		defer r.timed(TimeSetupHome, time.Now())
		cfgJSON, err = r.setupHome(ctx)
		return err
	})
	fail := func(err error) error {
		cancel()
		source.wait()
		networks.wait()
		home.wait()
		return err
	}

	if src := r.opts.Source; src.HasContent() {
		r.c.logf("", evSetup, "Downloading source code...")
		if err := source.wait(); err != nil {
			return fail(err)
		}
		r.c.logf("", evSetup, "Finished downloading source code")
	} else if err := source.wait(); err != nil {
		return fail(err)
	}
	// ACR's order (spec §11): source, alias notice, home volume, network.
	if template.AliasesEnabled(r.task.Version) {
		r.c.logf("", evSetup, "Alias support enabled for version >= 1.1.0, please see https://aka.ms/acr/tasks/task-aliases for more information.")
	}
	r.c.logf("", evSetup, "Using %s as the home volume", r.workspaceName())
	networks.wait()
	for _, n := range nets {
		if n.skip {
			r.c.logf("", evSetup, "Skip creating network: %s", n.name)
			continue
		}
		if n.unused {
			r.c.logf("", evSetup, "Skip creating network: %s (no step of this run starts a container on it)", n.name)
			continue
		}
		r.c.logf("", evSetup, "Creating Docker network: %s, driver: '%s'", n.name, n.driver)
		if n.err != nil {
			return fail(n.err)
		}
		r.c.logf("", evSetup, "Successfully set up Docker network: %s", n.name)
	}
	r.startIdentity(ctx)
	r.c.logf("", evSetup, "Setting up Docker configuration...")
	if err := home.wait(); err != nil {
		return fail(err)
	}
	r.cfgMu.Lock()
	r.cfgWritten = cfgJSON
	r.cfgMu.Unlock()
	r.c.logf("", evSetup, "Successfully set up Docker configuration")
	if err := r.login(ctx); err != nil {
		return err
	}
	for _, v := range r.task.Volumes {
		if err := r.secretVolume(ctx, v); err != nil {
			return err
		}
		r.c.logf("", evSetup, "Volume source %s successfully created", v.Name)
	}
	return nil
}

// setupPart is a part of the set-up running in its own goroutine.
type setupPart struct {
	done chan struct{}
	err  error
}

// startPart runs f in a goroutine that ends when f returns.
func (r *run) startPart(ctx context.Context, f func(context.Context) error) *setupPart {
	p := &setupPart{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.err = f(ctx)
	}()
	return p
}

// wait blocks until the part has ended and returns its error.
func (p *setupPart) wait() error {
	<-p.done
	return p.err
}

// setupSource creates the run volume and copies the source into it (unless
// build steps read the source directory itself, see readsHostWorkspace).
func (r *run) setupSource(ctx context.Context) error {
	if r.workspace != "" {
		return r.setupHostWorkspace()
	}
	if err := r.createVolume(ctx, r.vol); err != nil {
		return err
	}
	src := r.opts.Source
	if !src.HasContent() || r.fromHost {
		return nil
	}
	rc, err := source.Open(src)
	if err != nil {
		return err
	}
	err = r.eng.CopyToVolume(ctx, r.vol, rc)
	rc.Close()
	if err != nil {
		return engineErr("copying the source context into "+r.vol, err)
	}
	return nil
}

// netResult is the outcome of creating one task network.
type netResult struct {
	name, driver string
	skip         bool // skipCreation: an existing network
	unused       bool // no step uses it (needsNetworks)
	err          error
}

// setupNetworks creates the task's networks in order, stopping at the
// first failure; none when no step would use them (needsNetworks).
func (r *run) setupNetworks(ctx context.Context) []netResult {
	var out []netResult
	for _, n := range r.task.Networks {
		res := netResult{name: r.network(n.Name), driver: n.Driver, skip: n.SkipCreation}
		res.unused = !res.skip && r.unusedNetworks
		if !res.skip && !res.unused {
			res.err = r.eng.CreateNetwork(ctx, engine.NetworkSpec{Name: res.name, Driver: n.Driver, IPv6: n.IPv6, Labels: r.labels()})
			switch {
			case errors.Is(res.err, engine.ErrConflict):
				res.err = engineErr("creating network "+res.name, fmt.Errorf("%w (another run on this engine? use --unique-names)", res.err))
			case res.err != nil:
				res.err = engineErr("creating network "+res.name, res.err)
			default:
				r.mu.Lock()
				r.madeNetworks = append(r.madeNetworks, res.name)
				r.mu.Unlock()
			}
		}
		out = append(out, res)
		if res.err != nil {
			break
		}
	}
	return out
}

// setupHome creates the home volume holding the run's Docker
// configuration and returns the configuration written. A run without cmd
// steps has no use for either (needsHome).
func (r *run) setupHome(ctx context.Context) ([]byte, error) {
	auths, err := r.currentAuths(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLogin, err)
	}
	cfgJSON, err := dockerConfigJSON(auths)
	if err != nil {
		return nil, err
	}
	if !r.needsHome() {
		return cfgJSON, nil
	}
	if err := r.createVolume(ctx, r.home); err != nil {
		return nil, err
	}
	cfg, err := dockerConfigTar(auths)
	if err != nil {
		return nil, err
	}
	if err := r.eng.CopyToVolume(ctx, r.home, bytes.NewReader(cfg)); err != nil {
		return nil, engineErr("writing the Docker configuration", err)
	}
	return cfgJSON, nil
}

func (r *run) createVolume(ctx context.Context, name string) error {
	// Recorded before the create: a create cancelled by a failing sibling
	// set-up can still complete on the engine. The name holds the run's
	// uuid, so removing it can never touch another run's volume.
	r.mu.Lock()
	r.madeVolumes = append(r.madeVolumes, name)
	r.mu.Unlock()
	if err := r.eng.CreateVolume(ctx, name, r.labels()); err != nil {
		return engineErr("creating volume "+name, err)
	}
	return nil
}

// secretVolume creates a task volume and fills it with its decoded files,
// byte for byte, readable by the step user (see secretFileOwner).
func (r *run) secretVolume(ctx context.Context, v *graph.Volume) error {
	files := map[string][]byte{}
	for name, b64 := range v.Secret {
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return inputErr("volume %s: secret %s: not valid base64: %w", v.Name, name, err)
		}
		files[name] = data
	}
	uid, gid, mode := r.secretFileOwner(v.Name)
	tb, err := tarSecretFiles(files, uid, gid, mode)
	if err != nil {
		return err
	}
	name := r.secrets[v.Name]
	if err := r.createVolume(ctx, name); err != nil {
		return err
	}
	if err := r.eng.CopyToVolume(ctx, name, bytes.NewReader(tb)); err != nil {
		return engineErr("filling volume "+name, err)
	}
	return nil
}

// dockerConfigJSON renders the run's Docker configuration (auth's one
// writer).
func dockerConfigJSON(auths map[string]engine.RegistryAuth) ([]byte, error) {
	logins := make([]auth.DockerLogin, 0, len(auths))
	for reg, a := range auths {
		logins = append(logins, auth.DockerLogin{Registry: reg, Username: a.Username, Password: a.Password, IdentityToken: a.IdentityToken})
	}
	return auth.DockerConfig(logins)
}

// dockerConfigTar is a tar holding .docker/config.json. The file is 0644
// as acr-builder's is, so steps running as another user can read it; the
// volume is private to the run.
func dockerConfigTar(auths map[string]engine.RegistryAuth) ([]byte, error) {
	cfg, err := dockerConfigJSON(auths)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now()
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: ".docker/", Mode: 0o755, ModTime: now}); err != nil {
		return nil, err
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: ".docker/config.json", Mode: 0o644, Size: int64(len(cfg)), ModTime: now}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(cfg); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// tarFiles builds an in-memory tar of small files with one mode.
func tarFiles(files map[string][]byte, mode int64) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now()
	for _, name := range sortedKeys(files) {
		data := files[name]
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: now}); err != nil {
			return nil, fmt.Errorf("secret file %s: %w", name, err)
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
