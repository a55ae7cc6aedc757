package args_test

import (
	"errors"
	"fmt"

	"github.com/acb-dev/acb/runner/args"
)

func ExampleParseCmd() {
	c, err := args.ParseCmd(`-d -p 8080:80 --name web -e "GREETING=hi there" nginx -g 'daemon off;'`)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Image, c.Args, c.Detach, c.Publish, c.Name, c.Env)

	_, err = args.ParseCmd("bash echo secret | docker login --password-stdin")
	var he *args.HostShellError
	fmt.Println(errors.As(err, &he), err)
	// Output:
	// nginx [-g daemon off;] true [8080:80] web [GREETING=hi there]
	// true needs a host shell: pipe |
}

func ExampleParseBuild() {
	b, err := args.ParseBuild("-t app:1 --pull https://github.com/o/r.git#main:src -f Dockerfile.prod")
	if err != nil {
		panic(err)
	}
	repo, ref, subdir := args.SplitGitFragment(b.Context)
	fmt.Println(b.Tags, b.Pull, args.ContextKind(b.Context), repo, ref, subdir, b.Dockerfile)
	// Output:
	// [app:1] true git https://github.com/o/r.git main src Dockerfile.prod
}
