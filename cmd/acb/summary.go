package main

import (
	"bytes"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// summaryTable is the table acb run prints after ACR's final line: one
// row per step with its status, elapsed time and image (the image a cmd
// step ran, the tags a build made, the digests a push got).
func summaryTable(steps []stepDoc) string {
	if len(steps) == 0 {
		return ""
	}
	var b bytes.Buffer
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tSTATUS\tELAPSED\tIMAGE / DIGEST")
	for _, s := range steps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.ID, s.Status, elapsedText(s.ElapsedMs), stepImages(s))
	}
	_ = tw.Flush() // writes to a buffer
	return b.String()
}

// elapsedText shows milliseconds as 0.25s, 12.3s, 2m5s.
func elapsedText(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// stepImages is a step's image column.
func stepImages(s stepDoc) string {
	switch {
	case len(s.Digests) > 0:
		var parts []string
		for _, ref := range sortedKeys(s.Digests) {
			parts = append(parts, ref+"@"+s.Digests[ref])
		}
		return strings.Join(parts, ", ")
	case len(s.Tags) > 0:
		t := strings.Join(s.Tags, ", ")
		if s.ImageID != "" {
			t += " (" + shortDigest(s.ImageID) + ")"
		}
		return t
	case s.ImageID != "":
		return shortDigest(s.ImageID)
	}
	return s.Image
}

// shortDigest is "sha256:" and the first 12 hex digits.
func shortDigest(d string) string {
	if algo, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return algo + ":" + hex[:12]
	}
	return d
}
