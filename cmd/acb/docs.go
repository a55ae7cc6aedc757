package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// newGenDocsCommand is `acb gen-docs DIR` (hidden; `make docs` runs it).
func newGenDocsCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:    "gen-docs DIR",
		Short:  "Write the Markdown command docs and man pages (make docs)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return writeDocs(func() *cobra.Command { return newRootCommand(c) }, args[0])
		},
	}
}

// writeDocs replaces dir/cli with Markdown command docs and dir/man with man
// pages, generated from fresh command trees by cobra's doc generator. The
// output depends only on the tree (no version, no "auto generated on"
// line), except for the man pages' month in their .TH line.
func writeDocs(newRoot func() *cobra.Command, dir string) error {
	md, man := filepath.Join(dir, "cli"), filepath.Join(dir, "man")
	for _, d := range []string{md, man} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// Both generators read the help texts as Markdown, where acb_vol_<uuid>
	// would lose its <uuid> and turn vol into emphasis. Flag usages are
	// Markdown only in the man pages (the Markdown docs quote them).
	root := docTree(newRoot, false)
	if err := doc.GenMarkdownTree(root, md); err != nil {
		return fmt.Errorf("markdown docs in %s: %w", md, err)
	}
	header := &doc.GenManHeader{Title: "ACB", Section: "1", Source: "acb", Manual: "acb manual"}
	if err := doc.GenManTree(docTree(newRoot, true), header, man); err != nil {
		return fmt.Errorf("man pages in %s: %w", man, err)
	}
	return nil
}

// docTree is a fresh command tree with its help texts escaped for Markdown.
func docTree(newRoot func() *cobra.Command, flagUsages bool) *cobra.Command {
	root := newRoot()
	root.DisableAutoGenTag = true
	walkCommands(root, func(c *cobra.Command) {
		c.Short, c.Long = escapeMarkdown(c.Short), escapeMarkdown(c.Long)
		if flagUsages {
			escape := func(f *pflag.Flag) { f.Usage = escapeMarkdown(f.Usage) }
			c.Flags().VisitAll(escape)
			c.PersistentFlags().VisitAll(escape)
		}
	})
	return root
}

// escapeMarkdown backslash-escapes the characters Markdown would read as
// emphasis, links, code or HTML.
func escapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
