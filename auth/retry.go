package auth

import (
	"time"

	"github.com/acb-dev/acb/internal/retry"
)

// defaultBackoff returns the pauses before each retry of a login: four
// attempts in all, as the reference engine makes.
func defaultBackoff() []time.Duration { return retry.Doubling(3, 250*time.Millisecond) }
