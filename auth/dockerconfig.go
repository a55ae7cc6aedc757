package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// dockerHubKey is the key Docker uses for Docker Hub in config.json.
const dockerHubKey = "https://index.docker.io/v1/"

type dockerConfig struct {
	Auths       map[string]dockerAuth `json:"auths"`
	HTTPHeaders map[string]string     `json:"HttpHeaders"`
}

type dockerAuth struct {
	Auth string `json:"auth"`
}

// DockerConfig renders a Docker config.json holding a fresh-enough login for
// every registry, and the X-Meta-Source-Client header ACR Tasks sends:
//
//	{"auths":{"R":{"auth":"base64(user:password)"}},"HttpHeaders":{"X-Meta-Source-Client":"azure/acr/tasks"}}
//
// It holds secrets: the caller writes it with mode 0600 into the run's own
// directory (never the user's ~/.docker/config.json), removes it at the
// end, and renders it again before later steps of a long run, because
// identity-based logins expire after a few hours.
func (l *Logins) DockerConfig(ctx context.Context) ([]byte, error) {
	cfg := dockerConfig{
		Auths:       map[string]dockerAuth{},
		HTTPHeaders: map[string]string{"X-Meta-Source-Client": UserAgent},
	}
	for _, name := range l.Registries() {
		b, err := l.regs[name].Basic(ctx)
		if err != nil {
			return nil, fmt.Errorf("docker config: %w", err)
		}
		key := name
		if key == "index.docker.io" {
			key = dockerHubKey
		}
		cfg.Auths[key] = dockerAuth{Auth: base64.StdEncoding.EncodeToString([]byte(b.Username + ":" + b.Password))}
	}
	out, err := json.MarshalIndent(cfg, "", "\t")
	if err != nil {
		return nil, fmt.Errorf("docker config: %w", err)
	}
	return out, nil
}
