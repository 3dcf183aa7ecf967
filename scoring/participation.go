package scoring

// ResponseRate is completed responses / invitations delivered × 100.
func ResponseRate(completed, delivered int) Percent { return PercentOf(completed, delivered) }

// CompletionRate is completed / started × 100.
func CompletionRate(completed, started int) Percent { return PercentOf(completed, started) }

// ASNCoverage is ASN respondents / headcount × 100, per OPD.
func ASNCoverage(respondents, headcount int) Percent { return PercentOf(respondents, headcount) }

// ElementNonResponse is the item non-response of one element.
type ElementNonResponse struct {
	Element string
	Missing Percent // completed responses without an answer to the element
}

// ItemNonResponse computes, for each element in order, the share of the
// completed responses that left it unanswered. answered maps an element to
// the number of completed responses that answered it (in SQL, the Count of
// its [ElementAgg]).
func ItemNonResponse(completed int, answered map[string]int, elements []string) []ElementNonResponse {
	out := make([]ElementNonResponse, len(elements))
	for i, e := range elements {
		out[i] = ElementNonResponse{Element: e, Missing: PercentOf(completed-answered[e], completed)}
	}
	return out
}

// ServiceSample is one service's responses and population for a period.
type ServiceSample struct {
	Responses  int
	Population int // users served; 0 = unknown
}

// ServiceCoverageResult is the share of services with any response and with
// an adequate sample.
type ServiceCoverageResult struct {
	Any      Percent // services with at least one response
	Adequate Percent // services whose responses reach the Krejcie–Morgan minimum
}

// ServiceCoverage computes service coverage over all services of the
// catalogue. A service with an unknown population never counts as adequate
// (its required sample cannot be looked up).
func ServiceCoverage(services []ServiceSample) ServiceCoverageResult {
	anyResp, adequate := 0, 0
	for _, s := range services {
		if s.Responses > 0 {
			anyResp++
		}
		if _, _, st := SampleStatus(s.Responses, s.Population); st == StatusMemenuhi && s.Responses > 0 {
			adequate++
		}
	}
	return ServiceCoverageResult{
		Any:      PercentOf(anyResp, len(services)),
		Adequate: PercentOf(adequate, len(services)),
	}
}

// Vulnerability marks a response from a vulnerable group.
type Vulnerability struct {
	Disability bool
	Aged60Plus bool
}

// VulnerableCoverage is the share of responses from people with a
// disability or aged 60+ (each response counted once).
func VulnerableCoverage(responses []Vulnerability) Percent {
	v := 0
	for _, r := range responses {
		if r.Disability || r.Aged60Plus {
			v++
		}
	}
	return PercentOf(v, len(responses))
}
