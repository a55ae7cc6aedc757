package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
)

// dockerHubKey is the key Docker uses for Docker Hub in config.json.
const dockerHubKey = "https://index.docker.io/v1/"

type dockerConfig struct {
	Auths       map[string]dockerAuth `json:"auths"`
	HTTPHeaders map[string]string     `json:"HttpHeaders"`
}

type dockerAuth struct {
	Auth          string `json:"auth,omitempty"`
	IdentityToken string `json:"identitytoken,omitempty"`
}

// DockerLogin is one registry's login in a Docker config.json.
type DockerLogin struct {
	Registry      string
	Username      string
	Password      string
	IdentityToken string
}

// DockerConfig renders the Docker config.json of a run: a login for every
// registry, and the X-Meta-Source-Client header ACR Tasks sends:
//
//	{"auths":{"R":{"auth":"base64(user:password)"}},"HttpHeaders":{"X-Meta-Source-Client":"azure/acr/tasks"}}
//
// It is acb's only Docker config writer. It holds secrets: the caller writes
// it into the run's own home volume (never the user's ~/.docker/config.json)
// and renders it again before later steps of a long run, because
// identity-based logins expire after a few hours.
func DockerConfig(logins []DockerLogin) ([]byte, error) {
	cfg := dockerConfig{
		Auths:       map[string]dockerAuth{},
		HTTPHeaders: map[string]string{"X-Meta-Source-Client": UserAgent},
	}
	sort.Slice(logins, func(i, j int) bool { return logins[i].Registry < logins[j].Registry })
	for _, l := range logins {
		key := l.Registry
		if key == "index.docker.io" || key == "docker.io" {
			key = dockerHubKey
		}
		a := dockerAuth{IdentityToken: l.IdentityToken}
		if l.Username != "" || l.Password != "" {
			a.Auth = base64.StdEncoding.EncodeToString([]byte(l.Username + ":" + l.Password))
		}
		cfg.Auths[key] = a
	}
	out, err := json.MarshalIndent(cfg, "", "\t")
	if err != nil {
		return nil, fmt.Errorf("docker config: %w", err)
	}
	return append(out, '\n'), nil
}
