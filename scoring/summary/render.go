package summary

import (
	"fmt"
	"strings"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
)

// kinerjaEN names the performance labels in English.
var kinerjaEN = map[scoring.Kinerja]string{
	scoring.KinerjaSangatBaik: "Very good", scoring.KinerjaBaik: "Good",
	scoring.KinerjaKurangBaik: "Poor", scoring.KinerjaTidakBaik: "Very poor",
}

// statusEN and levelEN name the sample statuses and the 0–100 index
// bands in English (the stored names are Indonesian).
var (
	statusEN = map[scoring.Status]string{
		scoring.StatusMemenuhi: "Memenuhi (sample met)", scoring.StatusSementara: "Sementara (provisional)",
		scoring.StatusUnknown: "population unknown",
	}
	levelEN = map[scoring.Level]string{
		scoring.LevelSangatTinggi: "Very high", scoring.LevelTinggi: "High", scoring.LevelSedang: "Medium",
		scoring.LevelRendah: "Low", scoring.LevelSangatRendah: "Very low",
	}
)

func status(s scoring.Status, lang string) string {
	if en, ok := statusEN[s]; ok && lang == survey.LangEN {
		return en
	}
	return string(s)
}

func band(b string, lang string) string {
	if en, ok := levelEN[scoring.Level(b)]; ok && lang == survey.LangEN {
		return en
	}
	return b
}

func kinerja(m scoring.Mutu, lang string) string {
	k := m.Kinerja()
	if lang == survey.LangEN {
		return kinerjaEN[k]
	}
	return string(k)
}

func num(v float64, decimals int, lang string) string { return scoring.FormatNumber(v, decimals, lang) }

func count(n int, lang string) string { return scoring.FormatNumber(float64(n), 0, lang) }

// ScopeName names the summary's scope.
func (s Summary) ScopeName(lang string) string {
	if s.Scope.Code == "" {
		return word(lang, "city")
	}
	return s.Scope.Name.In(lang)
}

// Text renders the summary in lang (survey.LangID or survey.LangEN), one
// fact per line, so a message too long for Telegram splits cleanly at
// line breaks.
func Text(s Summary, lang string) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("%s", wordf(lang, "title", s.Period.Label(lang), s.ScopeName(lang)))
	line("%s", span(s.Period, lang))
	line("")
	line("%s", wordf(lang, "responses", responses(s, lang)))
	if s.Completion.Valid {
		line("%s", wordf(lang, "completion", scoring.FormatNumber(s.Completion.Value, 1, lang)+" %"))
	}
	line("")
	writeIKM(&b, s, lang)
	line("")
	writeLines(&b, s, lang)
	line("")
	writeUsage(&b, s, lang)
	line("")
	writeOfficials(&b, s, lang)
	if s.OpenFollowUps > 0 {
		line("%s", wordf(lang, "followUps", s.OpenFollowUps, s.Alerts.Overdue))
	}
	if l := s.LearnFrom; l != nil {
		line("")
		line("%s", wordf(lang, "learn", l.Unit.Name.In(lang), l.Element.Name.In(lang), num(l.Best.NRR, 2, lang),
			l.Best.Mutu, scopeWord(s, lang), num(l.Element.NRR, 2, lang)))
	}
	line("")
	writeAlerts(&b, s, lang)
	line("")
	if s.Sementara {
		line("%s", word(lang, "sementara"))
	}
	b.WriteString(wordf(lang, "asOf", stamp(s.AsOf, lang)))
	return b.String()
}

func scopeWord(s Summary, lang string) string {
	if s.Scope.Code == "" {
		return word(lang, "scopeCity")
	}
	return s.Scope.Name.In(lang)
}

// responses is "128; +12 (+10,3 %) dibanding Minggu 47 2026 (116)".
func responses(s Summary, lang string) string {
	prev := s.Period.Prev().Label(lang)
	if s.PrevResponses == 0 {
		return count(s.Responses, lang) + "; " + wordf(lang, "noPrev", prev)
	}
	d := s.Responses - s.PrevResponses
	sign := "+"
	if d < 0 {
		sign = "−"
		d = -d
	}
	pct := float64(d) / float64(s.PrevResponses) * 100
	change := fmt.Sprintf("%s%s (%s%s %%)", sign, count(d, lang), sign, num(pct, 1, lang))
	return count(s.Responses, lang) + "; " + wordf(lang, "vsPrev", change, prev, count(s.PrevResponses, lang))
}

// ikmText is "82,15 — mutu B (Baik), n 412 / 384, IK 95 % 80,90–83,40, Memenuhi".
func ikmText(i IKM, lang string) string {
	switch {
	case i.Suppressed:
		return word(lang, "suppressed")
	case !i.Valid:
		return word(lang, "silent")
	}
	parts := []string{num(i.Value, 2, lang) + " " + wordf(lang, "mutu", i.Mutu, kinerja(i.Mutu, lang))}
	if i.NRequired > 0 {
		parts = append(parts, wordf(lang, "nReq", count(i.N, lang), count(i.NRequired, lang)))
	} else {
		parts = append(parts, wordf(lang, "nOnly", count(i.N, lang)))
	}
	if i.HasCI {
		parts = append(parts, wordf(lang, "ci", num(i.CILow, 2, lang), num(i.CIHigh, 2, lang)))
	}
	if i.Status != "" {
		parts = append(parts, status(i.Status, lang))
	}
	return strings.Join(parts, ", ")
}

func elementText(e *Element, lang string) string {
	return fmt.Sprintf("%s (NRR %s, %s)", e.Name.In(lang), num(e.NRR, 2, lang), e.Mutu)
}

func writeIKM(b *strings.Builder, s Summary, lang string) {
	label := s.Figures.Label(lang)
	if s.Figures.Key() != s.Period.Key() {
		fmt.Fprintln(b, wordf(lang, "ikm", label, ikmOrNone(s.IKM, lang)))
	} else {
		fmt.Fprintln(b, wordf(lang, "ikmOf", label, ikmOrNone(s.IKM, lang)))
	}
	if s.IKM.Pooled != nil {
		fmt.Fprintln(b, wordf(lang, "pooled", num(*s.IKM.Pooled, 2, lang), s.IKM.PooledMutu))
	}
	if s.Lowest != nil {
		fmt.Fprintln(b, wordf(lang, "lowest", elementText(s.Lowest, lang)))
	}
	if s.Highest != nil {
		fmt.Fprintln(b, wordf(lang, "highest", elementText(s.Highest, lang)))
	}
}

func ikmOrNone(i IKM, lang string) string {
	if !i.Valid && !i.Suppressed {
		return word(lang, "noIKM")
	}
	return ikmText(i, lang)
}

func writeLines(b *strings.Builder, s Summary, lang string) {
	head := "perOPD"
	if s.Scope.Code != "" {
		head = "perService"
	}
	fmt.Fprintln(b, word(lang, head))
	for _, l := range s.Lines {
		fmt.Fprintf(b, "• %s: %s\n", l.Unit.Name.In(lang), ikmText(l.IKM, lang))
	}
}

func writeUsage(b *strings.Builder, s Summary, lang string) {
	fmt.Fprintln(b, word(lang, "usage"))
	for _, f := range s.Usage {
		def, _ := scoring.DefOf(f.Key)
		text := "-"
		switch {
		case f.Suppressed:
			text = word(lang, "suppressed")
		case f.Valid:
			text = scoring.FormatIndex(def, f.Value, nil, lang)
			if f.Band != "" {
				text += " (" + band(f.Band, lang) + ")"
			}
			text += ", " + wordf(lang, "nOnly", count(f.N, lang))
		}
		fmt.Fprintf(b, "• %s: %s\n", def.Label[lang], text)
	}
}

func writeOfficials(b *strings.Builder, s Summary, lang string) {
	o := s.Officials
	switch {
	case o.Suppressed:
		fmt.Fprintln(b, wordf(lang, "officialsFew", count(o.Headcount, lang)))
	case o.Respondents == 0:
		fmt.Fprintln(b, word(lang, "officialsNone"))
	case o.Headcount > 0:
		pct := float64(o.Respondents) / float64(o.Headcount) * 100
		fmt.Fprintln(b, wordf(lang, "officials", count(o.Respondents, lang), count(o.Headcount, lang), num(pct, 1, lang)+" %"))
	default:
		fmt.Fprintln(b, wordf(lang, "officialsNoRoster", count(o.Respondents, lang)))
	}
	if len(o.Obstacles) > 0 {
		var parts []string
		for _, x := range o.Obstacles {
			parts = append(parts, x.Name.In(lang)+" "+num(x.Share, 1, lang)+" %")
		}
		fmt.Fprintln(b, wordf(lang, "obstacles", strings.Join(parts, ", ")))
	}
}

func writeAlerts(b *strings.Builder, s Summary, lang string) {
	fmt.Fprintln(b, word(lang, "alerts"))
	a := s.Alerts
	if a.Empty() {
		fmt.Fprintln(b, word(lang, "noAlerts"))
		return
	}
	prev := s.Period.Prev().Label(lang)
	for _, f := range a.Falls {
		fmt.Fprintln(b, wordf(lang, "fall", f.Element.Name.In(lang), num(f.From, 2, lang), num(f.To, 2, lang), prev, num(f.Margin, 2, lang)))
	}
	if len(a.Silent) > 0 {
		names := make([]string, len(a.Silent))
		for i, u := range a.Silent {
			names[i] = u.Name.In(lang)
		}
		fmt.Fprintln(b, wordf(lang, "silentAll", s.Period.Label(lang), strings.Join(names, ", ")))
	}
	if a.Overdue > 0 {
		fmt.Fprintln(b, wordf(lang, "overdue", a.Overdue))
	}
}
