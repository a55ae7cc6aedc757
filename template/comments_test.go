package template

import (
	"strings"
	"testing"
)

func TestBlankComments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"none", "a: b\n", "a: b\n"},
		{"top comment", "# c\na: b\n", "\na: b\n"},
		{"indented comment", "steps:\n  # c\n  - cmd: x\n", "steps:\n\n  - cmd: x\n"},
		{"end of line comment kept", "a: b # c\n", "a: b # c\n"},
		{"template in comment dropped", "# {{ .Values.x }}\n", "\n"},
		{"no trailing newline", "a: b\n# c", "a: b\n"},
		{"crlf", "# c\r\na: b\r\n", "\na: b\r\n"},
		{
			"literal block keeps comments",
			"steps:\n  - cmd: |\n      # shell comment\n      echo hi\n\n      # another\n  # yaml comment\n  - cmd: x\n",
			"steps:\n  - cmd: |\n      # shell comment\n      echo hi\n\n      # another\n\n  - cmd: x\n",
		},
		{
			"folded block with chomping and comment",
			"a: >- # folded\n  # kept\n  text\n# gone\nb: c\n",
			"a: >- # folded\n  # kept\n  text\n\nb: c\n",
		},
		{
			"dash block",
			"items:\n- |\n  # kept\n- x\n  # plain scalar continuation is a comment\n",
			"items:\n- |\n  # kept\n- x\n\n",
		},
		{
			"block ends at same indent",
			"  key: |\n    # kept\n  # gone\n  other: 1\n",
			"  key: |\n    # kept\n\n  other: 1\n",
		},
		{
			"pipe inside command is not a block",
			"cmd: echo a |\n  # gone\n",
			"cmd: echo a |\n\n",
		},
		{
			"comment left of block content deleted as by ACR",
			"steps:\n  - cmd: |\n      echo a\n     # gone\n      echo b\n  - cmd: >\n      bb echo\n     # gone\n      c\n",
			"steps:\n  - cmd: |\n      echo a\n      echo b\n\n  - cmd: >\n      bb echo\n      c\n\n",
		},
		{
			"comment left of block content at end of file",
			"a: |\n    x\n  # gone\n    y",
			"a: |\n    x\n    y\n",
		},
		{
			"comment at the key's column inside a block deleted as by ACR",
			"steps:\n  - cmd: |\n      echo a\n  # gone\n\n    # gone too\n      echo b\n  # blanked\n  - cmd: x\n",
			"steps:\n  - cmd: |\n      echo a\n\n      echo b\n\n\n\n  - cmd: x\n",
		},
		{
			"indent indicator",
			"a: |2\n  # kept\n",
			"a: |2\n  # kept\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := blankComments(tt.in)
			if got != tt.want {
				t.Errorf("blankComments(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
			if strings.Count(got, "\n") != strings.Count(tt.in, "\n") {
				t.Errorf("line count changed")
			}
		})
	}
}
