package survey

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// This file turns YAML into a small tree that keeps the line of every key
// and value, and offers the field readers shared by the survey and catalog
// loaders. Every problem becomes a DefError naming file, line and field.

// ErrInvalidDefinition is matched (errors.Is) by every ValidationErrors.
var ErrInvalidDefinition = errors.New("invalid definition")

// MaxDefinitionSize bounds a definition file, in bytes.
const MaxDefinitionSize = 1 << 20

// maxErrors bounds the problems reported for one file.
const maxErrors = 50

// maxDepth bounds the nesting of a definition; real files need 5 levels.
const maxDepth = 16

// DefError is one problem found in a definition file.
type DefError struct {
	File  string // the file name as given to the loader
	Line  int    // 1-based; 0 when the problem concerns the whole file
	Field string // the path of the field, e.g. "questions[3].type"
	Msg   string // what is wrong
}

// Error formats the problem as "file:line: field: msg".
func (e *DefError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ValidationErrors lists every problem found in one definition file,
// ordered by line.
type ValidationErrors []*DefError

// Error joins the problems, one per line.
func (v ValidationErrors) Error() string {
	lines := make([]string, len(v))
	for i, e := range v {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(err, ErrInvalidDefinition) true.
func (v ValidationErrors) Is(target error) bool { return target == ErrInvalidDefinition }

type ykind int

const (
	yNull ykind = iota
	yScalar
	yMap
	ySeq
)

func (k ykind) String() string {
	return [...]string{"nothing", "a single value", "a mapping (key: value)", "a list"}[k]
}

// ynode is a YAML node reduced to what definitions use.
type ynode struct {
	kind    ykind
	line    int
	value   string // scalar text as written (without quotes)
	entries []yentry
	items   []*ynode
}

// yentry is one key of a mapping.
type yentry struct {
	key  string
	line int
	val  *ynode
}

// defReader collects the problems of one file.
type defReader struct {
	file string
	errs ValidationErrors
}

func (r *defReader) errorf(line int, field, format string, args ...any) {
	r.errs = append(r.errs, &DefError{File: r.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// result returns the collected problems ordered by line, or nil.
func (r *defReader) result() error {
	if len(r.errs) == 0 {
		return nil
	}
	sort.SliceStable(r.errs, func(i, j int) bool { return r.errs[i].Line < r.errs[j].Line })
	if n := len(r.errs); n > maxErrors {
		r.errs = append(r.errs[:maxErrors:maxErrors], &DefError{File: r.file, Msg: fmt.Sprintf("%d more problems not shown", n-maxErrors)})
	}
	return r.errs
}

// parseTree parses data into a tree; problems are recorded and nil returned.
func (r *defReader) parseTree(data []byte) (root *ynode) {
	if len(data) > MaxDefinitionSize {
		r.errorf(0, "", "file is larger than %d bytes", MaxDefinitionSize)
		return nil
	}
	defer func() {
		if p := recover(); p != nil { // a parser bug must not take the service down
			r.errorf(0, "syntax", "YAML parser failed: %v", p)
			root = nil
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var se *yaml.SyntaxError
		if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
			r.errorf(se.Token.Position.Line, "syntax", "%s", se.Message)
		} else {
			r.errorf(0, "syntax", "%s", err.Error())
		}
		return nil
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		if len(f.Docs) > 1 {
			r.errorf(0, "", "want one YAML document, found %d", len(f.Docs))
		} else {
			r.errorf(0, "", "file is empty")
		}
		return nil
	}
	return r.convert(f.Docs[0].Body, "", 0)
}

func nodeLine(n ast.Node) int {
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// convert turns an ast node into a ynode; unsupported features are errors.
func (r *defReader) convert(n ast.Node, field string, depth int) *ynode {
	if n == nil {
		return &ynode{kind: yNull}
	}
	line := nodeLine(n)
	if depth > maxDepth {
		r.errorf(line, field, "nested more than %d levels deep", maxDepth)
		return nil
	}
	switch n := n.(type) {
	case *ast.NullNode:
		return &ynode{kind: yNull, line: line}
	case *ast.StringNode:
		return &ynode{kind: yScalar, line: line, value: n.Value}
	case *ast.LiteralNode:
		return &ynode{kind: yScalar, line: line, value: n.Value.Value}
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return &ynode{kind: yScalar, line: line, value: n.GetToken().Value}
	case *ast.AnchorNode:
		return r.convert(n.Value, field, depth+1)
	case *ast.MappingNode:
		return r.convertMap(n.Values, line, field, depth)
	case *ast.MappingValueNode:
		return r.convertMap([]*ast.MappingValueNode{n}, line, field, depth)
	case *ast.SequenceNode:
		out := &ynode{kind: ySeq, line: line}
		for i, v := range n.Values {
			if c := r.convert(v, fmt.Sprintf("%s[%d]", field, i), depth+1); c != nil {
				out.items = append(out.items, c)
			}
		}
		return out
	case *ast.AliasNode:
		r.errorf(line, field, "aliases (*name) are not supported; use a named choice list")
	case *ast.TagNode:
		r.errorf(line, field, "tags (%s) are not supported", n.Start.Value)
	default:
		r.errorf(line, field, "unsupported YAML construct (%s)", n.Type())
	}
	return nil
}

func (r *defReader) convertMap(values []*ast.MappingValueNode, line int, field string, depth int) *ynode {
	out := &ynode{kind: yMap, line: line}
	for _, mv := range values {
		var key ast.Node = mv.Key
		if k, ok := key.(*ast.MappingKeyNode); ok {
			key = k.Value
		}
		kl := nodeLine(mv.Key)
		k := r.convert(key, field, depth+1)
		if k == nil || k.kind != yScalar {
			r.errorf(kl, field, "a key must be a plain name")
			continue
		}
		if len(out.entries) == 0 && kl > 0 {
			out.line = kl
		}
		v := r.convert(mv.Value, sub(field, k.value), depth+1)
		if v == nil {
			continue
		}
		if v.kind == yNull && v.line == 0 {
			v.line = kl
		}
		out.entries = append(out.entries, yentry{key: k.value, line: kl, val: v})
	}
	return out
}

// sub appends key to a field path.
func sub(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// mapping checks that n is a mapping with only allowed keys and returns
// its entries by key. Unknown keys are reported (they are usually typos).
func (r *defReader) mapping(n *ynode, field string, allowed []string) map[string]*yentry {
	if n == nil {
		return nil
	}
	if n.kind != yMap {
		r.errorf(n.line, field, "want %s, got %s", yMap, n.kind)
		return nil
	}
	out := make(map[string]*yentry, len(n.entries))
	for i := range n.entries {
		e := &n.entries[i]
		if !slices.Contains(allowed, e.key) {
			r.errorf(e.line, sub(field, e.key), "unknown key%s (want %s)", suggest(e.key, allowed), strings.Join(allowed, ", "))
			continue
		}
		out[e.key] = e
	}
	return out
}

// suggest returns ` (did you mean "x"?)` for a near miss, else "".
func suggest(key string, allowed []string) string {
	best, bestD := "", 3
	for _, a := range allowed {
		if d := editDistance(key, a); d < bestD {
			best, bestD = a, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// required reports a missing key of the mapping at line.
func (r *defReader) required(m map[string]*yentry, key string, line int, field string) *yentry {
	e := m[key]
	if e == nil || e.val.kind == yNull {
		if m != nil {
			r.errorf(line, sub(field, key), "missing (required)")
		}
		return nil
	}
	return e
}

// str reads a scalar; ok is false when e is nil or not a scalar.
func (r *defReader) str(e *yentry, field string) (string, bool) {
	if e == nil {
		return "", false
	}
	if e.val.kind != yScalar {
		r.errorf(e.line, field, "want a single value, got %s", e.val.kind)
		return "", false
	}
	return e.val.value, true
}

// boolean reads true or false; absent means false.
func (r *defReader) boolean(e *yentry, field string) bool {
	s, ok := r.str(e, field)
	if !ok {
		return false
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	r.errorf(e.line, field, "want true or false, got %q", s)
	return false
}

// number reads a finite number; nil when absent or invalid.
func (r *defReader) number(e *yentry, field string) *float64 {
	s, ok := r.str(e, field)
	if !ok {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		r.errorf(e.line, field, "want a number, got %q", s)
		return nil
	}
	return &f
}

// text reads a per-language text: {id: .., en: ..} or a plain string,
// which is the Indonesian text. The Indonesian text is required.
func (r *defReader) text(e *yentry, field string) Text {
	if e == nil {
		return nil
	}
	if e.val.kind == yScalar {
		if strings.TrimSpace(e.val.value) == "" {
			r.errorf(e.line, field, "empty text")
			return nil
		}
		return Text{LangID: e.val.value}
	}
	m := r.mapping(e.val, field, []string{LangID, LangEN})
	if m == nil {
		return nil
	}
	t := Text{}
	for _, lang := range []string{LangID, LangEN} {
		if s, ok := r.str(m[lang], sub(field, lang)); ok {
			if strings.TrimSpace(s) == "" {
				r.errorf(m[lang].line, sub(field, lang), "empty text")
				continue
			}
			t[lang] = s
		}
	}
	if _, ok := m[LangID]; !ok {
		r.errorf(e.line, sub(field, LangID), "missing: every text needs its Indonesian (id) version")
	}
	return t
}
