package graph

import (
	"strconv"
	"strings"

	"github.com/agnivade/levenshtein"
)

// keySet is the table of keys known in one kind of mapping. Its index maps a
// key as written to the position in names; it is built once and never
// mutated.
type keySet struct {
	what  string // "task", "step", ... for messages
	names []string
	index map[string]int
}

func newKeySet(what string, names ...string) *keySet {
	ks := &keySet{what: what, names: names, index: make(map[string]int, len(names))}
	for i, n := range names {
		ks.index[n] = i
	}
	return ks
}

// lookup returns the index of key, or -1.
func (ks *keySet) lookup(key string) int {
	if i, ok := ks.index[key]; ok {
		return i
	}
	return -1
}

// Task-level keys, in the order Parse reads them.
const (
	tkVersion = iota
	tkStepTimeout
	tkTotalTimeout
	tkWorkingDirectory
	tkEnv
	tkSecrets
	tkNetworks
	tkVolumes
	tkSteps
	tkAlias
	numTaskKeys
)

var taskKeys = newKeySet("task", []string{
	tkVersion:          "version",
	tkStepTimeout:      "stepTimeout",
	tkTotalTimeout:     "totalTimeout",
	tkWorkingDirectory: "workingDirectory",
	tkEnv:              "env",
	tkSecrets:          "secrets",
	tkNetworks:         "networks",
	tkVolumes:          "volumes",
	tkSteps:            "steps",
	tkAlias:            "alias",
}...)

// Step keys.
const (
	skID = iota
	skCmd
	skBuild
	skPush
	skWhen
	skWorkingDirectory
	skDisableWorkingDirectoryOverride
	skEntryPoint
	skEnv
	skUser
	skNetwork
	skIsolation
	skCPUs
	skPrivileged
	skPorts
	skExpose
	skDetach
	skKeep
	skPull
	skCache
	skVolumeMounts
	skVolumeMount // docs spelling, read as volumeMounts
	skTimeout
	skStartDelay
	skRetries
	skRetryDelay
	skRetryOnErrors
	skRepeat
	skIgnoreErrors
	skCmdDownloadRetries
	skCmdDownloadRetryDelay
	skDownloadRetries    // docs name, ignored
	skDownloadRetryDelay // docs name, ignored
	skExitedWith         // 2018 preview, ignored
	skExitedWithout      // 2018 preview, ignored
	skSecret             // documented without a shape, ignored
	numStepKeys
)

var stepKeys = newKeySet("step", []string{
	skID:                              "id",
	skCmd:                             "cmd",
	skBuild:                           "build",
	skPush:                            "push",
	skWhen:                            "when",
	skWorkingDirectory:                "workingDirectory",
	skDisableWorkingDirectoryOverride: "disableWorkingDirectoryOverride",
	skEntryPoint:                      "entryPoint",
	skEnv:                             "env",
	skUser:                            "user",
	skNetwork:                         "network",
	skIsolation:                       "isolation",
	skCPUs:                            "cpus",
	skPrivileged:                      "privileged",
	skPorts:                           "ports",
	skExpose:                          "expose",
	skDetach:                          "detach",
	skKeep:                            "keep",
	skPull:                            "pull",
	skCache:                           "cache",
	skVolumeMounts:                    "volumeMounts",
	skVolumeMount:                     "volumeMount",
	skTimeout:                         "timeout",
	skStartDelay:                      "startDelay",
	skRetries:                         "retries",
	skRetryDelay:                      "retryDelay",
	skRetryOnErrors:                   "retryOnErrors",
	skRepeat:                          "repeat",
	skIgnoreErrors:                    "ignoreErrors",
	skCmdDownloadRetries:              "cmdDownloadRetries",
	skCmdDownloadRetryDelay:           "cmdDownloadRetryDelay",
	skDownloadRetries:                 "downloadRetries",
	skDownloadRetryDelay:              "downloadRetryDelay",
	skExitedWith:                      "exitedWith",
	skExitedWithout:                   "exitedWithout",
	skSecret:                          "secret",
}...)

// pushStepKeys are the step keys that mean something on a push step
// (acr-task-spec.md §3).
var pushStepKeys = [numStepKeys]bool{
	skID: true, skPush: true, skWhen: true, skEnv: true, skIgnoreErrors: true,
	skStartDelay: true, skTimeout: true,
	// Rejected with their own error rather than a warning.
	skVolumeMounts: true, skVolumeMount: true,
	// Legacy keys get their own warning.
	skDownloadRetries: true, skDownloadRetryDelay: true, skExitedWith: true,
	skExitedWithout: true, skSecret: true,
}

// Secret, network, volume and mount keys.
const (
	seID = iota
	seKeyVault
	seClientID
	numSecretKeys
)

var secretKeys = newKeySet("secret", []string{seID: "id", seKeyVault: "keyvault", seClientID: "clientID"}...)

const (
	nkName = iota
	nkDriver
	nkIPv6
	nkSkipCreation
	nkIsDefault
	numNetworkKeys
)

var networkKeys = newKeySet("network", []string{
	nkName: "name", nkDriver: "driver", nkIPv6: "ipv6", nkSkipCreation: "skipCreation", nkIsDefault: "isDefault"}...)

const (
	vkName = iota
	vkSecret
	numVolumeKeys
)

var volumeKeys = newKeySet("volume", []string{vkName: "name", vkSecret: "secret"}...)

const (
	mkName = iota
	mkMountPath
	numMountKeys
)

var mountKeys = newKeySet("volume mount", []string{mkName: "name", mkMountPath: "mountPath"}...)

// maxKeys bounds every key set, so a mapping's fields fit a fixed array.
const maxKeys = numStepKeys

// suggest returns the candidate closest to word, or "" when none is close
// enough. Case-insensitive equality always matches.
func suggest(word string, candidates []string) string {
	lw := strings.ToLower(word)
	best, bestDist := "", -1
	limit := 2
	if l := len(word) / 3; l > limit {
		limit = l
	}
	for _, c := range candidates {
		if c == "" || c == word {
			continue
		}
		d := levenshtein.ComputeDistance(lw, strings.ToLower(c))
		if d > limit {
			continue
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean formats a suggestion as "; did you mean X?", or "".
func didYouMean(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" {
		return "; did you mean " + quote(s) + "?"
	}
	return ""
}

// quote quotes s for messages.
func quote(s string) string { return strconv.Quote(s) }
