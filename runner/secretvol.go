package runner

import (
	"archive/tar"
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maskVolumeSecrets adds the decoded files of the task's secret volumes to
// the run's masker, before anything is printed: a step that cats a secret
// file, or prints it base64-encoded, shows "***".
func (r *run) maskVolumeSecrets() {
	for _, v := range r.task.Volumes {
		for _, b64 := range v.Secret {
			if data, err := base64.StdEncoding.DecodeString(b64); err == nil {
				r.c.masker.Add(string(data))
			}
		}
	}
}

// secretFileOwner decides who may read the files of the secret volume
// name, as a tar owner and mode:
//
//   - every step that mounts it runs with the same numeric user: (uid
//     "1000" or "1000:1000"): the files belong to that uid (and gid, root
//     otherwise) with mode 0400;
//   - no step sets user:, or every one sets root or 0: root with mode
//     0400 (a step whose image runs as another user by default must set
//     user: to read them);
//   - otherwise (a user name acb cannot map to a uid without the image, or
//     steps with different users): mode 0444, readable by any user of the
//     containers that mount the volume, as on ACR. The volume is private
//     to the run and removed at its end either way.
func (r *run) secretFileOwner(name string) (uid, gid int, mode int64) {
	users := map[string]bool{}
	for _, s := range r.steps {
		for _, vm := range s.VolumeMounts {
			if vm.Name == name {
				users[normalizeUser(s.User)] = true
			}
		}
	}
	if len(users) == 0 {
		return 0, 0, 0o400
	}
	if len(users) > 1 {
		return 0, 0, 0o444
	}
	var user string
	for u := range users {
		user = u
	}
	u, g, _ := strings.Cut(user, ":")
	uid, err := strconv.Atoi(u)
	if err != nil || uid < 0 {
		return 0, 0, 0o444
	}
	if g != "" {
		if gid, err = strconv.Atoi(g); err != nil || gid < 0 {
			return 0, 0, 0o444
		}
	}
	return uid, gid, 0o400
}

// normalizeUser maps the spellings of root to "0".
func normalizeUser(u string) string {
	switch u {
	case "", "root", "0", "root:root", "0:0":
		return "0"
	}
	return u
}

// tarSecretFiles builds an in-memory tar of the secret files, byte for
// byte, owned by uid:gid with mode.
func tarSecretFiles(files map[string][]byte, uid, gid int, mode int64) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now()
	for _, name := range sortedKeys(files) {
		data := files[name]
		h := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)),
			Uid: uid, Gid: gid, ModTime: now}
		if err := tw.WriteHeader(h); err != nil {
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
