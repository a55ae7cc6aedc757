package args

import "testing"

func TestContextKind(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{".", ContextLocal},
		{"sub/dir", ContextLocal},
		{"/abs/path", ContextLocal},
		{"github.com.local/x", ContextLocal},
		{"https://github.com/o/r.git", ContextGit},
		{"https://github.com/o/r.git#main", ContextGit},
		{"https://github.com/o/r.git#main:docker", ContextGit},
		{"HTTPS://github.com/o/r.git", ContextGit},
		{"http://example.com/r.git", ContextGit},
		{"git://example.com/r", ContextGit},
		{"git@github.com:o/r.git#v1:sub", ContextGit},
		{"github.com/o/r", ContextGit},
		{"https://dev.azure.com/org/proj/_git/repo#main", ContextGit},
		{"https://org.visualstudio.com/proj/_git/repo", ContextGit},
		{"https://github.com/o/r", ContextTarball},
		{"https://github.com/o/r.git#", ContextTarball},
		{"https://example.com/ctx.tar.gz", ContextTarball},
		{"https://example.com/ctx.git.tar", ContextTarball},
		{"oci://myreg.azurecr.io/ctx:1", ContextOCI},
	}
	for _, tt := range tests {
		if got := ContextKind(tt.in); got != tt.want {
			t.Errorf("ContextKind(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitGitFragment(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, repo, ref, subdir string }{
		{"https://github.com/o/r.git", "https://github.com/o/r.git", "", ""},
		{"https://github.com/o/r.git#main", "https://github.com/o/r.git", "main", ""},
		{"https://github.com/o/r.git#main:docker/app", "https://github.com/o/r.git", "main", "docker/app"},
		{"https://github.com/o/r.git#:docker", "https://github.com/o/r.git", "", "docker"},
		{"https://github.com/o/r.git#refs/pull/1/head:a:b", "https://github.com/o/r.git", "refs/pull/1/head", "a:b"},
		{"git@github.com:o/r.git#v1:sub", "git@github.com:o/r.git", "v1", "sub"},
		{"https://dev.azure.com/org/p/_git/r#main:src", "https://dev.azure.com/org/p/_git/r", "main", "src"},
		{"https://x/r.git#", "https://x/r.git", "", ""},
	}
	for _, tt := range tests {
		repo, ref, subdir := SplitGitFragment(tt.in)
		if repo != tt.repo || ref != tt.ref || subdir != tt.subdir {
			t.Errorf("SplitGitFragment(%q) = %q, %q, %q; want %q, %q, %q", tt.in, repo, ref, subdir, tt.repo, tt.ref, tt.subdir)
		}
	}
}
