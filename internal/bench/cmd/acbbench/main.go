// Command acbbench is acb's benchmark harness: it runs the workloads of
// issue 7 against the local Docker engine and rewrites BENCHMARKS.md. Run it
// through `make bench` (scripts/bench.sh), from the module root, after
// `make build`.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/acb-dev/acb/internal/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "acbbench: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	cfg := bench.Config{Log: os.Stderr}
	var only, out string
	flag.StringVar(&cfg.ACB, "acb", "bin/acb", "the acb binary")
	flag.StringVar(&cfg.Go, "go", "go", "the go command (front-end benchmarks)")
	flag.StringVar(&cfg.BaselineACB, "baseline-acb", "", "another acb binary to measure alongside in the steps, parallel and build workloads (before/after a change)")
	flag.IntVar(&cfg.Reps, "reps", 5, "measured repetitions per workload")
	flag.BoolVar(&cfg.Warmup, "warmup", true, "run one unmeasured repetition first")
	flag.StringVar(&only, "only", "", "comma-separated workloads: startup,frontend,fixed,steps,parallel,build,buildkit,push,debug (default all)")
	flag.IntVar(&cfg.BuildMiB, "build-mib", 200, "size of the build context's random file, MiB")
	flag.IntVar(&cfg.PushMiB, "push-mib", 16, "size of each pushed image's random layer, MiB")
	flag.IntVar(&cfg.StartupRuns, "startup-runs", 20, "runs of each start-up command")
	flag.Float64Var(&cfg.MaxLoad, "max-load", 0, "before each workload, wait while the 1-minute load average exceeds this (0: do not wait)")
	flag.DurationVar(&cfg.LoadWait, "load-wait", 2*time.Minute, "the longest wait for -max-load per workload")
	flag.StringVar(&out, "out", "BENCHMARKS.md", "the report to write; - for stdout")
	flag.Parse()
	if only != "" {
		cfg.Only = strings.Split(only, ",")
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	cfg.Root = root

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h, err := bench.New(ctx, cfg)
	if err != nil {
		return err
	}
	rep, runErr := h.Run(ctx)
	rep.Command = "acbbench " + strings.Join(os.Args[1:], " ")
	closeErr := h.Close(ctx)
	if closeErr != nil {
		rep.Findings = append(rep.Findings, fmt.Sprintf("Clean-up failed: %v", closeErr))
	}
	var buf bytes.Buffer
	if err := rep.Render(&buf); err != nil {
		return err
	}
	if out == "-" {
		_, err = os.Stdout.Write(buf.Bytes())
	} else {
		err = os.WriteFile(out, buf.Bytes(), 0o644)
		if err == nil {
			fmt.Fprintf(os.Stderr, "acbbench: wrote %s\n", out)
		}
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if runErr != nil {
		return fmt.Errorf("some workloads failed (see the report): %w", runErr)
	}
	if closeErr != nil {
		return fmt.Errorf("clean-up: %w", closeErr)
	}
	return nil
}
