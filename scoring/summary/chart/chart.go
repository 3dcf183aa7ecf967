// Package chart draws the weekly summary's chart (gonum/plot): the IKM of
// each OPD (or service) as bars against the mutu band edges, and the
// scope's IKM over the last 12 weeks with n, as one PNG.
package chart

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/scoring/summary"
	"github.com/kotasolok/egovpulse/survey"
)

// The PNG's size in pixels.
const (
	Width  = 1200
	Height = 1500
	dpi    = 96
)

// texts are the chart's words, by language.
var texts = map[string]map[string]string{
	survey.LangID: {"bars": "IKM per %s — %s", "opd": "OPD", "service": "layanan", "trend": "Tren IKM %s, 12 minggu terakhir (n per minggu)",
		"week": "Minggu (ISO)", "few": "< 5 responden", "fewWeek": "< 5\nresponden", "none": "belum ada jawaban", "city": "kota"},
	survey.LangEN: {"bars": "IKM by %s — %s", "opd": "OPD", "service": "service", "trend": "IKM of the %s, last 12 weeks (n per week)",
		"week": "ISO week", "few": "< 5 respondents", "fewWeek": "< 5\nrespondents", "none": "no answers yet", "city": "city"},
}

func tr(lang, key string) string {
	if m, ok := texts[lang]; ok {
		return m[key]
	}
	return texts[survey.LangID][key]
}

// Colors of the chart.
var (
	barColor   = color.RGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0xff}
	edgeColor  = color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
	trendColor = color.RGBA{R: 0x1e, G: 0x84, B: 0x49, A: 0xff}
	grayColor  = color.Gray{Y: 0x70}
	white      = color.White
)

// colorT is a color of the chart.
type colorT = color.Color

// PNG draws the summary's chart in lang.
func PNG(s summary.Summary, lang string) ([]byte, error) {
	ser := summary.SeriesOf(s, lang)
	unit := tr(lang, "opd")
	if s.Scope.Code != "" {
		unit = tr(lang, "service")
	}
	scope := tr(lang, "city")
	if s.Scope.Code != "" {
		scope = s.Scope.Name.In(lang)
	}
	bars, err := barPlot(ser, fmt.Sprintf(tr(lang, "bars"), unit, s.Figures.Label(lang)), lang)
	if err != nil {
		return nil, err
	}
	trend, err := trendPlot(ser, fmt.Sprintf(tr(lang, "trend"), scope), lang)
	if err != nil {
		return nil, err
	}
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(Width)*vg.Inch/dpi, vg.Length(Height)*vg.Inch/dpi), vgimg.UseDPI(dpi))
	dc := draw.New(img)
	// The bars take the upper 58 %, the trend the rest; each plot keeps its
	// own axes (the long OPD names do not push the trend aside).
	h := dc.Max.Y - dc.Min.Y
	pad := vg.Points(12)
	bars.Draw(draw.Crop(dc, pad, -pad, h*0.42+pad, -pad))
	trend.Draw(draw.Crop(dc, pad, -pad-vg.Points(8), pad, -(h*0.58 + pad)))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// ikmTicks are the ticks of an IKM axis: the range ends and band edges,
// written in lang's notation.
func ikmTicks(edges []float64, lang string) plot.ConstantTicks {
	ticks := []plot.Tick{{Value: 25, Label: "25"}}
	for _, e := range edges {
		ticks = append(ticks, plot.Tick{Value: e, Label: scoring.FormatNumber(e, 2, lang)})
	}
	return append(ticks, plot.Tick{Value: 100, Label: "100"})
}

// bandLabels put the mutu letters between the band edges.
func bandLabels(edges []float64, at float64, horizontal bool) (*plotter.Labels, error) {
	mids := []float64{(25 + edges[0]) / 2, (edges[0] + edges[1]) / 2, (edges[1] + edges[2]) / 2, (edges[2] + 100) / 2}
	letters := []string{"D", "C", "B", "A"}
	xys := make(plotter.XYs, len(mids))
	for i, m := range mids {
		xys[i] = plotter.XY{X: m, Y: at}
		if !horizontal {
			xys[i] = plotter.XY{X: at, Y: m}
		}
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: letters})
	if err != nil {
		return nil, fmt.Errorf("chart: band labels: %w", err)
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Color = edgeColor
		l.TextStyle[i].Font.Size = vg.Points(14)
	}
	return l, nil
}

// edgeLine is a dashed band edge.
func edgeLine(xys plotter.XYs) (*plotter.Line, error) {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, fmt.Errorf("chart: band edge: %w", err)
	}
	l.Color, l.Width, l.Dashes = edgeColor, vg.Points(1.2), []vg.Length{vg.Points(6), vg.Points(4)}
	return l, nil
}

// addBands adds the band edges as dashed lines across the other axis from
// from to to (vertical lines on a horizontal IKM axis), and the mutu
// letters between them at letters on that axis.
func addBands(p *plot.Plot, edges []float64, from, to, letters float64, horizontal bool) error {
	for _, e := range edges {
		xys := plotter.XYs{{X: e, Y: from}, {X: e, Y: to}}
		if !horizontal {
			xys = plotter.XYs{{X: from, Y: e}, {X: to, Y: e}}
		}
		l, err := edgeLine(xys)
		if err != nil {
			return err
		}
		p.Add(l)
	}
	labels, err := bandLabels(edges, letters, horizontal)
	if err != nil {
		return err
	}
	p.Add(labels)
	return nil
}
