package remind

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// ErrInvalid is matched (errors.Is) by every Problems.
var ErrInvalid = errors.New("invalid reminders configuration")

// Problem is one thing wrong in the reminders file or its holidays file.
type Problem struct {
	File  string
	Line  int    // 1-based; 0 for the whole file
	Field string // e.g. "reminders[1].repeat.gap" ("" in a holidays file)
	Msg   string
}

// Error formats the problem as "file:line: field: what is wrong".
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems lists everything wrong, by file and line, one per line.
type Problems []Problem

// Error joins the problems, one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (ps Problems) Is(target error) bool { return target == ErrInvalid }

// node is a YAML node reduced to what the file uses: a scalar, a mapping
// (keys in order, with their lines) or a list.
type node struct {
	line    int
	scalar  *string
	keys    []string
	keyLine []int
	vals    []*node
	items   []*node
	isMap   bool
	isList  bool
}

// reader collects the problems of one file.
type reader struct {
	file string
	errs Problems
}

func (r *reader) errorf(line int, field, format string, args ...any) {
	r.errs = append(r.errs, Problem{File: r.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// result returns the problems ordered by file position, or nil.
func (r *reader) result() error {
	if len(r.errs) == 0 {
		return nil
	}
	sort.SliceStable(r.errs, func(i, j int) bool { // this file's first, then the holidays file's
		if a, b := r.errs[i].File == r.file, r.errs[j].File == r.file; a != b {
			return a
		}
		return r.errs[i].Line < r.errs[j].Line
	})
	return r.errs
}

// parse parses data into a node tree; nil (with a problem) when it is not
// YAML or empty.
func (r *reader) parse(data []byte) (root *node) {
	defer func() {
		if p := recover(); p != nil { // a parser bug must not take the service down
			r.errorf(0, "", "YAML parser failed: %v", p)
			root = nil
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var se *yaml.SyntaxError
		if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
			r.errorf(se.Token.Position.Line, "", "not valid YAML: %s", se.Message)
		} else {
			r.errorf(0, "", "not valid YAML: %s", err.Error())
		}
		return nil
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		r.errorf(0, "", "want one YAML document with a reminders list")
		return nil
	}
	return r.convert(f.Docs[0].Body, "")
}

func lineOf(n ast.Node) int {
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// convert reduces an ast node; anchors, aliases and tags are refused.
func (r *reader) convert(n ast.Node, field string) *node {
	if n == nil {
		return &node{}
	}
	line := lineOf(n)
	switch n := n.(type) {
	case *ast.NullNode:
		return &node{line: line}
	case *ast.StringNode:
		return &node{line: line, scalar: &n.Value}
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		v := n.GetToken().Value
		return &node{line: line, scalar: &v}
	case *ast.MappingNode:
		return r.convertMap(n.Values, line, field)
	case *ast.MappingValueNode:
		return r.convertMap([]*ast.MappingValueNode{n}, line, field)
	case *ast.SequenceNode:
		out := &node{line: line, isList: true}
		for i, v := range n.Values {
			out.items = append(out.items, r.convert(v, fmt.Sprintf("%s[%d]", field, i)))
		}
		return out
	default:
		r.errorf(line, field, "unsupported YAML construct (%s)", n.Type())
		return &node{line: line}
	}
}

func (r *reader) convertMap(values []*ast.MappingValueNode, line int, field string) *node {
	out := &node{line: line, isMap: true}
	for i, mv := range values {
		var key ast.Node = mv.Key
		if k, ok := key.(*ast.MappingKeyNode); ok {
			key = k.Value
		}
		kl := lineOf(mv.Key)
		if i == 0 && kl > 0 {
			out.line = kl
		}
		k := r.convert(key, field)
		if k.scalar == nil {
			r.errorf(kl, field, "a key must be a plain name")
			continue
		}
		v := r.convert(mv.Value, sub(field, *k.scalar))
		if v.line == 0 || (v.scalar == nil && !v.isMap && !v.isList) {
			v.line = kl
		}
		out.keys = append(out.keys, *k.scalar)
		out.keyLine = append(out.keyLine, kl)
		out.vals = append(out.vals, v)
	}
	return out
}

func sub(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// fields checks that n is a mapping with only allowed keys and returns its
// values by key (each key once).
func (r *reader) fields(n *node, field string, allowed ...string) map[string]*node {
	if n == nil {
		return nil
	}
	if !n.isMap {
		r.errorf(n.line, field, "want a mapping (key: value)")
		return nil
	}
	out := map[string]*node{}
	for i, k := range n.keys {
		switch {
		case !slices.Contains(allowed, k):
			r.errorf(n.keyLine[i], sub(field, k), "unknown key (want one of %s)", strings.Join(allowed, ", "))
		case out[k] != nil:
			r.errorf(n.keyLine[i], sub(field, k), "given twice")
		default:
			out[k] = n.vals[i]
		}
	}
	return out
}

// str reads a scalar ("" and false when n is absent or null).
func (r *reader) str(n *node, field string) (string, bool) {
	if n == nil || (n.scalar == nil && !n.isMap && !n.isList) {
		return "", false
	}
	if n.scalar == nil {
		r.errorf(n.line, field, "want a single value")
		return "", false
	}
	return strings.TrimSpace(*n.scalar), true
}
