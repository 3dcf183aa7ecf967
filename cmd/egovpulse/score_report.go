package main

import (
	"slices"
	"strings"
	"time"

	"github.com/kotasolok/egovpulse/jobs"
	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// cityName is the city in reports.
const cityName = "Kota Solok"

// Statuses of a figure in the report besides the IKM's sample status.
const (
	figureOK         = "ok"
	figureSuppressed = "suppressed"
	figureNoData     = "no_data"
)

// scoreRow is one line of the IKM table.
type scoreRow struct {
	Scope     string   `json:"scope"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Value     *float64 `json:"value"` // rounded to 2 decimals; null: no figure or fewer than 5 respondents
	ValueText string   `json:"value_text"`
	Mutu      string   `json:"mutu"`
	N         int      `json:"n"`
	NRequired int      `json:"n_required"` // 0: population unknown
	Status    string   `json:"status"`
	// CILow and CIHigh are the 95 % confidence interval (with the finite
	// population correction when the service counts give N); Uncertain:
	// its ends fall in different grades ("belum pasti").
	CILow     *float64 `json:"ci_low,omitempty"`
	CIHigh    *float64 `json:"ci_high,omitempty"`
	CIText    string   `json:"ci_text,omitempty"`
	Uncertain bool     `json:"uncertain,omitempty"`
	Lowest    string   `json:"lowest_unsur,omitempty"`
	LowestNRR *float64 `json:"lowest_nrr,omitempty"`
	// Pooled is the city's IKM of all respondents pooled, beside the mean
	// of OPD IKMs in Value.
	Pooled     *float64 `json:"pooled,omitempty"`
	PooledText string   `json:"pooled_text,omitempty"`
	PooledMutu string   `json:"pooled_mutu,omitempty"`
}

// indexFigure is one index of one scope, under its INDICATORS.md key.
type indexFigure struct {
	Value      *float64         `json:"value"` // full precision; null: no figure, or suppressed
	Text       string           `json:"text"`  // as printed
	N          int              `json:"n"`
	Band       string           `json:"band"`
	Status     string           `json:"status"` // ok, suppressed, no_data; the IKM: its sample status too
	Suppressed bool             `json:"suppressed"`
	Ranked     []scoring.Ranked `json:"ranked,omitempty"`
	Pooled     *float64         `json:"pooled,omitempty"` // the city IKM of all respondents pooled
}

// scopeReport is every index of one scope.
type scopeReport struct {
	Scope   string                 `json:"scope"`
	Code    string                 `json:"code"`
	Name    string                 `json:"name"`
	Indices map[string]indexFigure `json:"indices"`
}

// scoreReport is what `score` prints.
type scoreReport struct {
	Period     string         `json:"period"`
	Label      string         `json:"label"`
	CityMethod string         `json:"city_method"`
	Run        jobs.RunResult `json:"run"`
	Rows       []scoreRow     `json:"rows"`
	Scopes     []scopeReport  `json:"scopes"`
}

// scopeRef names one scope of the report.
type scopeRef struct{ kind, code, name string }

// reportScopes lists the scopes in report order: the city, each OPD then
// its services (catalog order, names in lang), then scopes not in the
// catalog.
func reportScopes(rows []storage.ScoreSnapshot, cat *survey.Catalog, lang string) []scopeRef {
	out := []scopeRef{{string(scoring.ScopeCity), "", cityName}}
	for _, o := range cat.OPDs {
		out = append(out, scopeRef{string(scoring.ScopeOPD), o.Code, o.Name.In(lang)})
		for _, s := range o.Services {
			out = append(out, scopeRef{string(scoring.ScopeService), s.Code, s.Name.In(lang)})
		}
	}
	for _, r := range rows {
		ref := scopeRef{r.ScopeKind, r.ScopeCode, r.ScopeCode}
		if !slices.ContainsFunc(out, func(x scopeRef) bool { return x.kind == ref.kind && x.code == ref.code }) {
			out = append(out, ref)
		}
	}
	return out
}

// buildScoreReport arranges the period's stored snapshots.
func buildScoreReport(rows []storage.ScoreSnapshot, cat *survey.Catalog, p survey.Period, run jobs.RunResult, lang string) (scoreReport, error) {
	rep := scoreReport{Period: p.Key(), Label: p.Label(lang), CityMethod: scoring.CityMethod, Run: run, Rows: []scoreRow{}, Scopes: []scopeReport{}}
	byScope := map[string]map[string]storage.ScoreSnapshot{}
	for _, r := range rows {
		k := r.ScopeKind + "/" + r.ScopeCode
		if byScope[k] == nil {
			byScope[k] = map[string]storage.ScoreSnapshot{}
		}
		byScope[k][r.IndexName] = r
	}
	loc := p.Start.Location()
	for _, ref := range reportScopes(rows, cat, lang) {
		snaps, ok := byScope[ref.kind+"/"+ref.code]
		if !ok {
			continue
		}
		sr := scopeReport{Scope: ref.kind, Code: ref.code, Name: ref.name, Indices: map[string]indexFigure{}}
		if r, ok := snaps[scoring.IndexIKM]; ok {
			row, fig, err := ikmRow(r, loc, ref.name, lang)
			if err != nil {
				return rep, err
			}
			rep.Rows = append(rep.Rows, row)
			sr.Indices[scoring.IndexIKM] = fig
		}
		for _, key := range reportKeys(ref.kind, snaps) {
			fig, err := figureOf(snaps, key, loc, lang)
			if err != nil {
				return rep, err
			}
			sr.Indices[key] = fig
		}
		if err := addNonResponse(sr.Indices, snaps, loc, lang); err != nil {
			return rep, err
		}
		rep.Scopes = append(rep.Scopes, sr)
	}
	return rep, nil
}

// reportKeys lists the index keys of a scope: every registered key (the
// officials' ones only for OPDs and the city; prefixes completed by the
// stored keys), then the stored keys not registered.
func reportKeys(kind string, snaps map[string]storage.ScoreSnapshot) []string {
	stored := slices.Sorted(func(yield func(string) bool) {
		for k := range snaps {
			if k != scoring.IndexIKM && !yield(k) {
				return
			}
		}
	})
	var out []string
	for _, d := range scoring.IndexDefs() {
		if d.Official && kind == string(scoring.ScopeService) {
			continue
		}
		if !strings.HasSuffix(d.Key, ".") {
			out = append(out, d.Key)
			continue
		}
		for _, k := range stored {
			if strings.HasPrefix(k, d.Key) {
				out = append(out, k)
			}
		}
	}
	for _, k := range stored {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// figureOf reads one index of a scope from its snapshot (no_data when none).
func figureOf(snaps map[string]storage.ScoreSnapshot, key string, loc *time.Location, lang string) (indexFigure, error) {
	r, ok := snaps[key]
	if !ok {
		return indexFigure{Status: figureNoData, Text: "-"}, nil
	}
	s, err := r.Snapshot(loc)
	if err != nil {
		return indexFigure{}, err
	}
	fig := indexFigure{N: s.N, Status: figureNoData, Text: "-"}
	switch {
	case s.Status == scoring.StatusSuppressed:
		fig.Status, fig.Suppressed, fig.Text = figureSuppressed, true, suppressedText(lang)
	case s.Valid:
		v := s.Value
		def, _ := scoring.DefOf(key)
		fig.Value, fig.Band, fig.Status, fig.Ranked = &v, s.Band, figureOK, s.Details.Ranked
		fig.Text = formatIndex(def, v, s.Details.Ranked, lang)
	}
	return fig, nil
}

// addNonResponse adds the item non-response of each element, kept in the
// details of the item_nonresponse snapshot, as item_nonresponse.<element>.
func addNonResponse(figs map[string]indexFigure, snaps map[string]storage.ScoreSnapshot, loc *time.Location, lang string) error {
	r, ok := snaps[scoring.IndexNonResponse]
	if !ok {
		return nil
	}
	s, err := r.Snapshot(loc)
	if err != nil || s.Details.Agg == nil {
		return err
	}
	for el, f := range scoring.NonResponseOf(*s.Details.Agg) {
		fig := indexFigure{N: f.N, Status: figureSuppressed, Suppressed: true, Text: suppressedText(lang)}
		if f.N >= scoring.MinReportN && f.Valid {
			v := f.Value
			fig = indexFigure{Value: &v, N: f.N, Status: figureOK, Text: formatNumber(v, 1, lang) + " %"}
		}
		figs[scoring.IndexNonResponse+"."+el] = fig
	}
	return nil
}

// ikmRow turns a stored IKM snapshot into a table row and its figure.
// Fewer than scoring.MinReportN respondents: no figure is shown.
func ikmRow(r storage.ScoreSnapshot, loc *time.Location, name, lang string) (scoreRow, indexFigure, error) {
	row := scoreRow{Scope: r.ScopeKind, Code: r.ScopeCode, Name: name, ValueText: "-", Mutu: r.Category,
		N: r.N, NRequired: r.NRequired, Status: r.Status}
	fig := indexFigure{Text: "-", N: r.N, Status: figureNoData}
	snap, err := r.Snapshot(loc)
	if err != nil || !snap.Valid {
		return row, fig, err
	}
	if snap.N < scoring.MinReportN {
		row.Mutu, row.ValueText = "", suppressedText(lang)
		fig.Text, fig.Status, fig.Suppressed = row.ValueText, figureSuppressed, true
		return row, fig, nil
	}
	v := scoring.Round2(snap.Value)
	full := snap.Value
	row.Value, row.ValueText = &v, formatNumber(snap.Value, 2, lang)
	fig.Value, fig.Text, fig.Band, fig.Status = &full, row.ValueText, string(snap.Mutu), cmpOr(r.Status, figureOK)
	if snap.HasCI {
		lo, hi := snap.CILow, snap.CIHigh
		row.CILow, row.CIHigh, row.Uncertain = &lo, &hi, snap.Uncertain
		row.CIText = formatNumber(lo, 2, lang) + "–" + formatNumber(hi, 2, lang)
		if snap.Uncertain {
			row.CIText += " " + tr(lang, "uncertain")
		}
	}
	for _, e := range snap.Details.Elements {
		if e.Key == snap.Details.Lowest {
			nrr := e.NRR
			row.Lowest, row.LowestNRR = e.Key, &nrr
		}
	}
	if c := snap.Details.City; c != nil {
		pv, pf := scoring.Round2(c.PooledValue), c.PooledValue
		row.Pooled, row.PooledText, row.PooledMutu = &pv, formatNumber(c.PooledValue, 2, lang), string(c.PooledMutu)
		fig.Pooled = &pf
	}
	return row, fig, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
