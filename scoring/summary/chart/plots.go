package chart

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/scoring/summary"
)

// newPlot is a plot with the chart's title and font sizes.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(17)
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(13)
		a.Tick.Label.Font.Size = vg.Points(12)
	}
	return p
}

// barPlot draws each line's IKM as a horizontal bar (the first line on
// top) with its value and n written on it, against the band edges.
func barPlot(s summary.Series, title, lang string) (*plot.Plot, error) {
	p := newPlot(title)
	n := len(s.Bars)
	vals := make(plotter.Values, n)
	names := make([]string, n)
	var xys plotter.XYs
	var texts []string
	for i, b := range s.Bars {
		at := n - 1 - i
		names[at] = b.Name
		text := tr(lang, "none")
		switch {
		case b.Shown:
			vals[at] = b.Value
			text = scoring.FormatNumber(b.Value, 2, lang) + " · n " + scoring.FormatNumber(float64(b.N), 0, lang)
		case b.Suppressed:
			text = tr(lang, "few")
		}
		xys = append(xys, plotter.XY{X: 1.5, Y: float64(at)})
		texts = append(texts, text)
	}
	if n > 0 {
		bc, err := plotter.NewBarChart(vals, vg.Points(barWidth(n)))
		if err != nil {
			return nil, fmt.Errorf("chart: bars: %w", err)
		}
		bc.Horizontal, bc.Color, bc.LineStyle.Width = true, barColor, 0
		p.Add(bc)
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
		if err != nil {
			return nil, fmt.Errorf("chart: bar labels: %w", err)
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i].Font.Size = vg.Points(12)
			labels.TextStyle[i].Color = plotWhiteOr(s.Bars[i].Shown)
			labels.TextStyle[i].YAlign = draw.YCenter
		}
		p.Add(labels)
		p.NominalY(names...)
	}
	top := float64(n) - 0.5
	if err := addBands(p, s.BandEdges, -0.5, top, top+0.25, true); err != nil {
		return nil, err
	}
	p.X.Min, p.X.Max = 0, 100
	p.Y.Min, p.Y.Max = -0.6, top+0.6
	p.X.Tick.Marker = append(plot.ConstantTicks{{Value: 0, Label: "0"}}, ikmTicks(s.BandEdges, lang)...)
	p.X.Label.Text = "IKM"
	return p, nil
}

// barWidth fits the bars to their number.
func barWidth(n int) float64 {
	w := 520.0 / float64(n+1)
	return min(max(w, 10), 40)
}

func plotWhiteOr(shown bool) colorT {
	if shown {
		return white
	}
	return grayColor
}

// trendData splits the weeks into runs of consecutive shown weeks (each a
// line), their points, and the labels: value and n above a shown week,
// "< 5 responden" low in a suppressed one.
func trendData(s summary.Series, lang string) (runs []plotter.XYs, points plotter.XYs, labels plotter.XYLabels) {
	var run plotter.XYs
	for i, t := range s.Trend {
		switch {
		case t.Shown:
			xy := plotter.XY{X: float64(i), Y: t.Value}
			run, points = append(run, xy), append(points, xy)
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(i), Y: t.Value + 3})
			labels.Labels = append(labels.Labels, scoring.FormatNumber(t.Value, 2, lang)+"\nn "+scoring.FormatNumber(float64(t.N), 0, lang))
			continue
		case t.Suppressed:
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(i), Y: 30})
			labels.Labels = append(labels.Labels, tr(lang, "fewWeek"))
		}
		if len(run) > 1 {
			runs = append(runs, run)
		}
		run = nil
	}
	if len(run) > 1 {
		runs = append(runs, run)
	}
	return runs, points, labels
}

// trendPlot draws the scope's weekly IKM: points joined where weeks are
// consecutive, each with its value and n; a week of fewer than 5
// respondents is marked without a value.
func trendPlot(s summary.Series, title, lang string) (*plot.Plot, error) {
	p := newPlot(title)
	runs, points, xyLabels := trendData(s, lang)
	for _, run := range runs {
		l, err := plotter.NewLine(run)
		if err != nil {
			return nil, fmt.Errorf("chart: trend: %w", err)
		}
		l.Color, l.Width = trendColor, vg.Points(2.5)
		p.Add(l)
	}
	names := make([]string, len(s.Trend))
	for i, t := range s.Trend {
		names[i] = t.Label
	}
	if len(points) > 0 {
		sc, err := plotter.NewScatter(points)
		if err != nil {
			return nil, fmt.Errorf("chart: trend points: %w", err)
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Radius, sc.GlyphStyle.Shape = trendColor, vg.Points(4), draw.CircleGlyph{}
		p.Add(sc)
	}
	if len(xyLabels.XYs) > 0 {
		labels, err := plotter.NewLabels(xyLabels)
		if err != nil {
			return nil, fmt.Errorf("chart: trend labels: %w", err)
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i].Font.Size = vg.Points(11)
			labels.TextStyle[i].XAlign = draw.XCenter
		}
		p.Add(labels)
	}
	last := float64(len(s.Trend)) - 0.5
	if err := addBands(p, s.BandEdges, -0.5, last, last+0.2, false); err != nil {
		return nil, err
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, last+0.5
	p.Y.Min, p.Y.Max = 25, 108 // room for the labels above 100
	p.Y.Tick.Marker = ikmTicks(s.BandEdges, lang)
	p.X.Label.Text, p.Y.Label.Text = tr(lang, "week"), "IKM"
	return p, nil
}
