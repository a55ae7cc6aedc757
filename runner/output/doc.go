// Package output owns every byte acb writes to its standard streams: log
// events, step output, the CLI's own lines and a command's result. A Sink is
// created once by the CLI and injected into the loader, the executor and
// every command; nothing else in acb writes to os.Stdout or os.Stderr
// (internal/depcheck enforces it).
//
// A Sink masks every secret value its Masker knows, once, on the way out.
// In text format log events are acr-builder's lines ("2006/01/02 15:04:05
// msg") on the log stream and step output goes, line by line, to the output
// stream; in JSON format every event and every output line is one JSON
// object on one line. Events are built with typed fields (step, status,
// exit code, elapsed time, attempt, image, registry, digest) through zerolog;
// text format shows only their message.
package output
