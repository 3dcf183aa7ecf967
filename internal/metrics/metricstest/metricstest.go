// Package metricstest reads a /metrics page in tests: it scrapes it over
// HTTP, parses the Prometheus text format and looks samples up by name
// and labels.
package metricstest

import (
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Samples are the values of one scrape, keyed by sample name and labels.
type Samples map[string]float64

// Scrape GETs url and parses the Prometheus text format it serves. It
// fails the test on a transport error, a status other than 200, another
// content type or a page that does not parse.
func Scrape(tb testing.TB, url string) Samples {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("scrape %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("scrape %s: %s\n%s", url, resp.Status, body)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/plain" {
		tb.Fatalf("scrape %s: content type %q, want the text format (text/plain)", url, resp.Header.Get("Content-Type"))
	}
	s, err := Parse(strings.NewReader(string(body)))
	if err != nil {
		tb.Fatalf("scrape %s: %v\n%s", url, err, body)
	}
	return s
}

// Parse reads a page in the Prometheus text format.
func Parse(r io.Reader) (Samples, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, err
	}
	list := make([]*dto.MetricFamily, 0, len(fams))
	for _, f := range fams {
		list = append(list, f)
	}
	vec, err := expfmt.ExtractSamples(&expfmt.DecodeOptions{Timestamp: model.Now()}, list...)
	if err != nil {
		return nil, err
	}
	out := Samples{}
	for _, smp := range vec {
		name := string(smp.Metric[model.MetricNameLabel])
		var labels []string
		for k, v := range smp.Metric {
			if k != model.MetricNameLabel {
				labels = append(labels, string(k), string(v))
			}
		}
		out[key(name, labels)] = float64(smp.Value)
	}
	return out, nil
}

// Has reports whether the scrape holds the sample.
func (s Samples) Has(name string, labels ...string) bool {
	_, ok := s[key(name, labels)]
	return ok
}

// Value returns a sample's value (0 when absent); labels are name, value
// pairs in any order, e.g. Value("egovpulse_updates_total", "outcome", "applied").
func (s Samples) Value(name string, labels ...string) float64 {
	return s[key(name, labels)]
}

// key is name{k1="v1",k2="v2"} with the labels sorted by name.
func key(name string, labels []string) string {
	if len(labels) == 0 {
		return name
	}
	pairs := make([]string, 0, len(labels)/2)
	for i := 0; i+1 < len(labels); i += 2 {
		pairs = append(pairs, labels[i]+"="+`"`+labels[i+1]+`"`)
	}
	sort.Strings(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}
