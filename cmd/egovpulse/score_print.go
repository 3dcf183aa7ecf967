package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
)

// scoreText holds the fixed words of the printed report, by language.
var scoreText = map[string]map[string]string{
	survey.LangID: {
		"title": "IKM %s (%s)", "empty": "Belum ada respons SKM yang dikirim pada periode ini.",
		"ikmHead": "NAMA\tLINGKUP\tIKM\tMUTU\tN\tN MINIMUM\tSTATUS\tIK 95%\tUNSUR TERENDAH\tGABUNGAN", "uncertain": "belum pasti",
		"city": "Kota", "opd": "OPD", "service": "Layanan",
		"cityNote":   "IKM kota = rata-rata IKM OPD; GABUNGAN = IKM semua responden digabung.",
		"blockTitle": "Pemanfaatan dan dampak — %s (%s)", "blockHead": "INDEKS\tNILAI\tKATEGORI\tN",
		"noData": "Belum ada data.", "suppressed": "< 5 responden",
	},
	survey.LangEN: {
		"title": "IKM %s (%s)", "empty": "No SKM responses submitted in this period yet.",
		"ikmHead": "NAME\tSCOPE\tIKM\tGRADE\tN\tN REQUIRED\tSTATUS\t95% CI\tLOWEST UNSUR\tPOOLED", "uncertain": "uncertain",
		"city": "City", "opd": "OPD", "service": "Service",
		"cityNote":   "City IKM = mean of the OPD IKMs; POOLED = IKM of all respondents pooled.",
		"blockTitle": "Usage and impact — %s (%s)", "blockHead": "INDEX\tVALUE\tBAND\tN",
		"noData": "No data yet.", "suppressed": "< 5 respondents",
	},
}

func tr(lang, key string) string { return scoreText[lang][key] }

func suppressedText(lang string) string { return tr(lang, "suppressed") }

// formatNumber is scoring.FormatNumber (the weekly summary shares it).
func formatNumber(v float64, decimals int, lang string) string {
	return scoring.FormatNumber(v, decimals, lang)
}

// formatIndex is scoring.FormatIndex (the weekly summary shares it).
func formatIndex(def scoring.IndexDef, v float64, ranked []scoring.Ranked, lang string) string {
	return scoring.FormatIndex(def, v, ranked, lang)
}

// printScoreReport prints the IKM table, then the usage and impact block
// of the city and of each OPD.
func printScoreReport(w io.Writer, rep scoreReport, lang string) error {
	fmt.Fprintf(w, tr(lang, "title")+"\n\n", rep.Label, rep.Period)
	if len(rep.Rows) == 0 {
		fmt.Fprintln(w, tr(lang, "empty"))
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, tr(lang, "ikmHead"))
		for _, r := range rep.Rows {
			printIKMRow(tw, r, lang)
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("print scores: %w", err)
		}
		fmt.Fprintln(w, "\n"+tr(lang, "cityNote"))
	}
	for _, s := range rep.Scopes {
		if s.Scope == string(scoring.ScopeService) {
			continue
		}
		if err := printBlock(w, s, rep.Label, lang); err != nil {
			return err
		}
	}
	return nil
}

func printIKMRow(tw io.Writer, r scoreRow, lang string) {
	req, lowest, pooled := "-", "-", "-"
	if r.NRequired > 0 {
		req = fmt.Sprint(r.NRequired)
	}
	if r.LowestNRR != nil {
		lowest = r.Lowest + " (NRR " + formatNumber(*r.LowestNRR, 2, lang) + ")"
	}
	if r.Pooled != nil {
		pooled = r.PooledText + " " + r.PooledMutu
	}
	name := r.Name
	if r.Scope == string(scoring.ScopeService) {
		name = "  " + name
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", dash(name), tr(lang, r.Scope), r.ValueText, dash(r.Mutu),
		r.N, req, dash(r.Status), dash(r.CIText), lowest, pooled)
}

// printBlock prints the indices of one OPD or the city that have a
// snapshot (a figure, or fewer than 5 respondents).
func printBlock(w io.Writer, s scopeReport, label, lang string) error {
	fmt.Fprintf(w, "\n"+tr(lang, "blockTitle")+"\n", s.Name, label)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, tr(lang, "blockHead"))
	lines := 0
	for _, key := range reportOrder(s) {
		f := s.Indices[key]
		if f.Status == figureNoData {
			continue
		}
		lines++
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", indexLabel(key, lang), f.Text, dash(f.Band), f.N)
	}
	if lines == 0 {
		fmt.Fprintln(tw, tr(lang, "noData"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print scores: %w", err)
	}
	return nil
}

// reportOrder lists a scope's printed keys in registry order (the IKM is
// in its own table; the item non-response of each element only in --json,
// the highest one is printed).
func reportOrder(s scopeReport) []string {
	var out []string
	for _, d := range scoring.IndexDefs() {
		switch {
		case strings.HasSuffix(d.Key, "."):
			var ks []string
			for k := range s.Indices {
				if strings.HasPrefix(k, d.Key) {
					ks = append(ks, k)
				}
			}
			slices.Sort(ks)
			out = append(out, ks...)
		default:
			if _, ok := s.Indices[d.Key]; ok {
				out = append(out, d.Key)
			}
		}
	}
	return out
}

// indexLabel names an index for people; a prefix key adds its element.
func indexLabel(key, lang string) string {
	d, ok := scoring.DefOf(key)
	if !ok {
		return key
	}
	if strings.HasSuffix(d.Key, ".") {
		return d.Label[lang] + ": " + strings.TrimPrefix(key, d.Key)
	}
	return d.Label[lang]
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
