package report_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/acb-dev/acb/runner/report"
)

func Example() {
	dockerfile := `ARG GO=1.22
FROM --platform=$BUILDPLATFORM golang:${GO} AS build
RUN go build -o /app .
FROM alpine:3.19
COPY --from=build /app /app
`
	scan, err := report.Scan(strings.NewReader(dockerfile), report.ScanOptions{})
	if err != nil {
		fmt.Println("WARNING:", err) // the run goes on without dependencies
	}
	deps := report.ForBuild([]string{"myreg.azurecr.io/app:cb1"}, scan, "")

	// The executor looks each reference up and stores the digests.
	digests := map[string]string{}
	for _, ref := range report.Refs(deps) {
		digests[ref.Name()] = "sha256:" + strings.Repeat("0", 64)
	}
	report.SetDigests(deps, digests)

	if err := report.WriteYAML(os.Stdout, deps); err != nil {
		fmt.Println(err)
	}
	// Output:
	// - image:
	//     registry: myreg.azurecr.io
	//     repository: app
	//     tag: cb1
	//     digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
	//   runtime-dependency:
	//     registry: registry.hub.docker.com
	//     repository: library/alpine
	//     tag: "3.19"
	//     digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
	//   buildtime-dependency:
	//   - registry: registry.hub.docker.com
	//     repository: library/golang
	//     tag: "1.22"
	//     digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
	//   git: {}
}
