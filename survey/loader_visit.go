package survey

import "strconv"

// This file reads the keys that keep a visit short: settings.remember and
// settings.samples, and the question keys group, calculation and on_review.

// readVisitKeys reads a question's group, calculation and on_review; the
// calculation is returned for the reference check.
func (r *defReader) readVisitKeys(m map[string]*yentry, f string, q *Question, pos int) []exprUse {
	if v, ok := r.str(m["group"], f+".group"); ok {
		if !nameRe.MatchString(v) {
			r.errorf(m["group"].line, f+".group", "bad group %q (want lower-case letters, digits and _, starting with a letter)", v)
		}
		q.Group = v
	}
	q.OnReview = r.boolean(m["on_review"], f+".on_review")
	if q.OnReview && q.Required {
		r.errorf(m["on_review"].line, f+".on_review", "an on_review question is optional: remove required")
	}
	if q.Type != TypeCalculate {
		return nil
	}
	src, ok := r.str(r.required(m, "calculation", q.Line, f), f+".calculation")
	if !ok {
		return nil
	}
	x, err := ParseExpr(src)
	if err != nil {
		r.errorf(m["calculation"].line, f+".calculation", "%s", err.Error())
		return nil
	}
	q.Calculation = x
	return []exprUse{{pos: pos, key: "calculation", field: f + ".calculation", line: m["calculation"].line, expr: x}}
}

// readNames reads a list of question names (settings.remember).
func (r *defReader) readNames(e *yentry, f string) []string {
	if e == nil {
		return nil
	}
	if e.val.kind != ySeq {
		r.errorf(e.line, f, "want %s of question names, got %s", ySeq, e.val.kind)
		return nil
	}
	var out []string
	for i, it := range e.val.items {
		if it.kind != yScalar || !nameRe.MatchString(it.value) {
			r.errorf(it.line, f+"["+strconv.Itoa(i)+"]", "want a question name, got %q", it.value)
			continue
		}
		out = append(out, it.value)
	}
	return out
}

// readSamples reads settings.samples: group name to how many are asked.
func (r *defReader) readSamples(e *yentry, f string) map[string]int {
	if e == nil {
		return nil
	}
	if e.val.kind != yMap {
		r.errorf(e.line, f, "want %s (group: how many to ask), got %s", yMap, e.val.kind)
		return nil
	}
	out := map[string]int{}
	for i := range e.val.entries {
		k := &e.val.entries[i]
		n, err := strconv.Atoi(k.val.value)
		if k.val.kind != yScalar || err != nil || n < 1 {
			r.errorf(k.line, sub(f, k.key), "want a whole number of questions, at least 1, got %q", k.val.value)
			continue
		}
		out[k.key] = n
	}
	return out
}

// checkVisit checks, once the questions are known, that remembered
// questions are choice questions asked in turn, that every sample group
// has more questions than it asks, and that at most one question is
// offered on the review card.
func (r *defReader) checkVisit(line int, s *Survey) {
	for _, name := range s.Remember {
		q := s.Question(name)
		if q == nil || !q.asked() || !isChoiceType(q.Type) || q.Type == TypeSelectMultiple {
			r.errorf(line, "settings.remember", "%q is not a select_one or scale question of this survey", name)
		}
	}
	size := map[string]int{}
	reviews := 0
	for _, q := range s.Questions {
		if q.Group != "" {
			size[q.Group]++
			if _, ok := s.Samples[q.Group]; !ok {
				r.errorf(q.Line, "questions."+q.Name+".group", "group %q has no entry in settings.samples", q.Group)
			}
		}
		if q.OnReview {
			reviews++
		}
	}
	for g, n := range s.Samples {
		if size[g] <= n {
			r.errorf(line, "settings.samples."+g, "asks %d of the %d questions of group %q: want fewer than the group has", n, size[g], g)
		}
	}
	if reviews > 1 {
		r.errorf(line, "questions", "%d questions have on_review: at most one may", reviews)
	}
}
