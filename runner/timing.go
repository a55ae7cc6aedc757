package runner

import "time"

// Parts of a run reported to Options.Timing.
const (
	TimeSetup          = "setup"          // the whole set-up, logins and secret volumes included
	TimeSetupVolume    = "setup.volume"   // run volume created and the source copied in
	TimeSetupNetworks  = "setup.networks" // the task's networks created
	TimeSetupHome      = "setup.home"     // home volume created and the Docker configuration written
	TimeSteps          = "steps"          // from the first step's start to the last step's end
	TimeCleanup        = "cleanup"        // the whole clean-up
	TimeCleanContainer = "cleanup.containers"
	TimeCleanNetworks  = "cleanup.networks"
	TimeCleanVolumes   = "cleanup.volumes"
)

// timed reports the time since start as part to Options.Timing.
func (r *run) timed(part string, start time.Time) {
	if r.opts.Timing != nil {
		r.opts.Timing(part, time.Since(start))
	}
}
