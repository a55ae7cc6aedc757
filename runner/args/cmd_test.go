package args

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want *Cmd
	}{
		{"image only", "alpine", &Cmd{Image: "alpine"}},
		{"image and args", "bash echo hello world", &Cmd{Image: "bash", Args: []string{"echo", "hello", "world"}}},
		{"leading and trailing space", "  alpine   ls  ", &Cmd{Image: "alpine", Args: []string{"ls"}}},
		{"single quotes", `bash -c 'echo a | wc -l && ls; x > y'`, &Cmd{Image: "bash", Args: []string{"-c", "echo a | wc -l && ls; x > y"}}},
		{"double quotes", `alpine echo "a b"  "c\"d" "e\f" "g\\h" "\$X"`, &Cmd{Image: "alpine", Args: []string{"echo", "a b", `c"d`, `e\f`, `g\h`, "$X"}}},
		{"escapes", `alpine echo a\ b \'q\' \| \;`, &Cmd{Image: "alpine", Args: []string{"echo", "a b", "'q'", "|", ";"}}},
		{"adjacent quoting", `alpine echo pre"mid"'post'`, &Cmd{Image: "alpine", Args: []string{"echo", "premidpost"}}},
		{"empty quoted word", `alpine echo "" ''`, &Cmd{Image: "alpine", Args: []string{"echo", "", ""}}},
		{"line continuation", "alpine echo a \\\n  b", &Cmd{Image: "alpine", Args: []string{"echo", "a", "b"}}},
		{"literal block with quoted newlines", "bash -c '\n  echo a\n  echo b\n'\n", &Cmd{Image: "bash", Args: []string{"-c", "\n  echo a\n  echo b\n"}}},
		{"folded block", "-t myreg.azurecr.io/hello:1 --rm\n", &Cmd{Image: "myreg.azurecr.io/hello:1", Args: []string{"--rm"}, TTY: true}},
		{"comment dropped like sh", "alpine echo hi # note", &Cmd{Image: "alpine", Args: []string{"echo", "hi"}}},
		{"hash inside word kept", "alpine echo a#b", &Cmd{Image: "alpine", Args: []string{"echo", "a#b"}}},
		{"assignment-looking words are plain", "alpine env A=1 B='x y'", &Cmd{Image: "alpine", Args: []string{"env", "A=1", "B=x y"}}},
		{"reserved words are plain", "alpine if then ! { }", &Cmd{Image: "alpine", Args: []string{"if", "then", "!", "{", "}"}}},
		{"glob kept literally", "alpine ls *.go [ab]", &Cmd{Image: "alpine", Args: []string{"ls", "*.go", "[ab]"}}},
		{"dollar single quotes stay in POSIX", "alpine echo '$(date)' '`x`'", &Cmd{Image: "alpine", Args: []string{"echo", "$(date)", "`x`"}}},
		{"trailing semicolon", "alpine ls;", &Cmd{Image: "alpine", Args: []string{"ls"}}},
		{"shell vars kept and recorded", `alpine echo $HOME "${USER}x" '$NOT' $HOME $1`,
			&Cmd{Image: "alpine", Args: []string{"echo", "$HOME", "${USER}x", "$NOT", "$HOME", "$1"}, ShellVars: []string{"HOME", "USER", "1"}}},
		{"tilde recorded", "alpine ls ~/x '~' a~", &Cmd{Image: "alpine", Args: []string{"ls", "~/x", "~", "a~"}, ShellVars: []string{"~"}}},
		{"combined short flags", "-it alpine sh", &Cmd{Image: "alpine", Args: []string{"sh"}, TTY: true, Interactive: true}},
		{"detach publish name", "-d -p 8080:80 --name test -t nginx", &Cmd{Image: "nginx", Detach: true, TTY: true, Publish: []string{"8080:80"}, Name: "test"}},
		{"dt combined", "-dt nginx", &Cmd{Image: "nginx", Detach: true, TTY: true}},
		{"options stop at image", "alpine -it --gpus all", &Cmd{Image: "alpine", Args: []string{"-it", "--gpus", "all"}}},
		{"double dash", "-t -- alpine -x", &Cmd{Image: "alpine", Args: []string{"-x"}, TTY: true}},
		{"all options", `-e A=1 --env "B=x y" -e C -v v:/m --volume /h:/c:ro -w /src -u 1000:1000 --entrypoint sh ` +
			`--rm=false --privileged --net host --add-host h:1.2.3.4 --add-host g:::1 -l a=b --label c ` +
			`-m 512m --cpus 1.5 --init --expose 80 --expose 443 -p 1:1 --publish=2:2 img arg`,
			&Cmd{Image: "img", Args: []string{"arg"}, Env: []string{"A=1", "B=x y", "C"}, Volumes: []string{"v:/m", "/h:/c:ro"},
				Workdir: "/src", User: "1000:1000", Entrypoint: "sh", EntrypointSet: true, Remove: false, RemoveSet: true,
				Privileged: true, Network: "host", AddHosts: []string{"h:1.2.3.4", "g:::1"}, Labels: []string{"a=b", "c"},
				MemoryBytes: 512 << 20, NanoCPUs: 1500000000, Init: true, Expose: []string{"80", "443"}, Publish: []string{"1:1", "2:2"}}},
		{"network long", "--network=acb_default_network alpine", &Cmd{Image: "alpine", Network: "acb_default_network"}},
		{"rm", "--rm alpine", &Cmd{Image: "alpine", Remove: true, RemoveSet: true}},
		{"empty entrypoint", `--entrypoint "" alpine`, &Cmd{Image: "alpine", EntrypointSet: true}},
		{"memory 1g", "-m 1g alpine", &Cmd{Image: "alpine", MemoryBytes: 1 << 30}},
		{"env with shell var", `-e "TOKEN=$TOKEN" alpine`, &Cmd{Image: "alpine", Env: []string{"TOKEN=$TOKEN"}, ShellVars: []string{"TOKEN"}}},
		{"short flag value attached", "-p8080:80 -eA=1 alpine", &Cmd{Image: "alpine", Publish: []string{"8080:80"}, Env: []string{"A=1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCmd(tt.in)
			if err != nil {
				t.Fatalf("ParseCmd(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseCmd(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseCmdHostShell(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		feature string // substring of HostShellError.Feature
	}{
		{"bash echo x | docker login --password-stdin", "pipe |"},
		{"alpine true && alpine false", "command list &&"},
		{"alpine true || alpine false", "command list ||"},
		{"alpine a; alpine b", "multiple commands"},
		{"alpine a\nalpine b", "multiple commands"},
		{"alpine echo x > out.txt", "redirection >"},
		{"alpine cat < in.txt", "redirection <"},
		{"alpine echo x >> out.txt", "redirection >>"},
		{"alpine cat <<EOF\nx\nEOF", "redirection <<"},
		{"alpine sleep 1 &", "background &"},
		{"alpine echo $(date)", "command substitution $(...)"},
		{`alpine echo "today is $(date)"`, "command substitution $(...)"},
		{"alpine echo `date`", "command substitution `...`"},
		{"alpine echo $((1+2))", "arithmetic expansion"},
		{"alpine echo ${X:-default}", "parameter expansion ${X:-default}"},
		{"alpine echo ${#X}", "parameter expansion ${#X}"},
		{"-e A=$(cat f) alpine", "command substitution"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := ParseCmd(tt.in)
			var he *HostShellError
			if !errors.As(err, &he) {
				t.Fatalf("ParseCmd(%q) error = %v; want *HostShellError", tt.in, err)
			}
			if !strings.Contains(he.Feature, tt.feature) {
				t.Errorf("ParseCmd(%q) feature = %q; want it to contain %q", tt.in, he.Feature, tt.feature)
			}
			if !strings.HasPrefix(err.Error(), "needs a host shell: ") {
				t.Errorf("error text = %q", err)
			}
		})
	}
}

func TestParseCmdErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // substring of the error
	}{
		{"", "missing image"},
		{"   \n", "missing image"},
		{"-it", "missing image"},
		{"--rm -d", "missing image"},
		{`"" echo`, "missing image"},
		{"--gpus all alpine", `unsupported docker run option "--gpus" in cmd (supported: `},
		{"--pull always alpine", `unsupported docker run option "--pull"`},
		{"-itx alpine", `unsupported docker run option "-x"`},
		{"-h alpine", `unsupported docker run option "-h/--help"`},
		{"--help alpine", `unsupported docker run option "-h/--help"`},
		{"--name", "invalid docker run options in cmd"},
		{"-m lots alpine", `invalid --memory "lots"`},
		{"--cpus x alpine", `invalid --cpus "x"`},
		{"--cpus 0.0000000001 alpine", "too precise"},
		{"--cpus -1 alpine", "negative"},
		{"alpine echo 'unterminated", "invalid shell syntax at line 1, column 13"},
		{"alpine echo \"x\ny", "invalid shell syntax"},
		{"$A\x000", "invalid NUL byte at offset 2"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseCmd(tt.in)
			if err == nil {
				t.Fatalf("ParseCmd(%q) = %+v; want error containing %q", tt.in, got, tt.want)
			}
			var he *HostShellError
			if errors.As(err, &he) {
				t.Fatalf("ParseCmd(%q) error = %v; want a non-shell error", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseCmd(%q) error = %q; want it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestUnsupportedListsOptions(t *testing.T) {
	t.Parallel()
	_, err := ParseCmd("--gpus all alpine")
	for _, opt := range []string{"-t/--tty", "-i/--interactive", "-e/--env", "--entrypoint", "-m/--memory", "--cpus", "--network"} {
		if !strings.Contains(err.Error(), opt) {
			t.Errorf("error %q does not list %s", err, opt)
		}
	}
	if strings.Contains(err.Error(), "help") {
		t.Errorf("error %q lists help", err)
	}
}

func TestReplaceImage(t *testing.T) {
	t.Parallel()
	c, err := ParseCmd("-t bash echo hi")
	if err != nil {
		t.Fatal(err)
	}
	c.ReplaceImage("mcr.microsoft.com/acr/bash:1")
	if c.Image != "mcr.microsoft.com/acr/bash:1" || !c.TTY || len(c.Args) != 2 {
		t.Errorf("after ReplaceImage: %+v", c)
	}
}
