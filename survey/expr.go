package survey

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of the expression language.
const (
	// MaxExprDepth is the deepest nesting of operators, parentheses and
	// function calls that ParseExpr accepts.
	MaxExprDepth = 64
	// MaxExprLength is the longest expression source, in bytes.
	MaxExprLength = 4096
)

// Errors returned by Expr.Eval; match them with errors.Is.
var (
	ErrDivisionByZero = errors.New("division by zero")
	ErrNotANumber     = errors.New("not a number")
)

// Expr is a compiled `relevant`, `constraint` or `screen_out` expression.
//
// The language borrows XLSForm's: `${name}` reads an earlier answer, `.` is
// the answer being checked, literals are numbers and 'single' or "double"
// quoted strings; operators are `= != < <= > >=`, `and or not`,
// `+ - * div mod` (and `/`), with parentheses; functions are
// `selected(x, 'v')`, `count-selected(x)`, `string-length(x)` and
// `number(x)`.
type Expr struct {
	// Source is the expression as written.
	Source string
	root   *node
	refs   []string
}

// Value is the result of evaluating an expression: a string, a number or a
// boolean.
type Value struct {
	kind valueKind
	s    string
	n    float64
	b    bool
}

type valueKind uint8

const (
	kindString valueKind = iota
	kindNumber
	kindBool
)

func strValue(s string) Value   { return Value{kind: kindString, s: s} }
func numValue(n float64) Value  { return Value{kind: kindNumber, n: n} }
func boolValue(b bool) Value    { return Value{kind: kindBool, b: b} }
func (v Value) isNumber() bool  { return v.kind == kindNumber }
func (v Value) isBoolean() bool { return v.kind == kindBool }

// String returns the value as text: numbers in their shortest form,
// booleans as "true" or "false".
func (v Value) String() string {
	switch v.kind {
	case kindNumber:
		return strconv.FormatFloat(v.n, 'f', -1, 64)
	case kindBool:
		return strconv.FormatBool(v.b)
	}
	return v.s
}

// Number returns the value as a number; ok is false when it is not one
// (a string that does not parse as a number, or a boolean).
func (v Value) Number() (n float64, ok bool) {
	switch v.kind {
	case kindNumber:
		return v.n, true
	case kindString:
		return parseNumber(v.s)
	}
	return 0, false
}

// Bool returns the value's truth: a boolean as is, a number when non-zero,
// a string when non-empty.
func (v Value) Bool() bool {
	switch v.kind {
	case kindBool:
		return v.b
	case kindNumber:
		return v.n != 0 && !math.IsNaN(v.n)
	}
	return v.s != ""
}

// parseNumber reads a decimal number such as "12", "-3" or "2.5"; it
// refuses NaN, infinities, hexadecimal and exponents.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	for i, r := range s {
		if (r < '0' || r > '9') && r != '.' && !(i == 0 && (r == '-' || r == '+')) {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// ParseExpr compiles an expression. The error says what is wrong and at
// which column (counted in characters from 1), e.g. `col 7: expected ")"`.
func ParseExpr(src string) (*Expr, error) {
	if len(src) > MaxExprLength {
		return nil, fmt.Errorf("expression longer than %d bytes", MaxExprLength)
	}
	if !utf8.ValidString(src) {
		return nil, errors.New("expression is not valid UTF-8")
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks}
	root, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, fmt.Errorf("col %d: unexpected %s", t.col, t.describe())
	}
	return &Expr{Source: src, root: root, refs: p.refs}, nil
}

// Refs returns the question names the expression reads, in order of first
// appearance, each once.
func (e *Expr) Refs() []string {
	if e == nil {
		return nil
	}
	return append([]string(nil), e.refs...)
}

// Eval evaluates the expression against the answers given so far; self is
// the answer being checked (for `.` in constraints) and may be nil. A
// question without an answer, or skipped, reads as the empty string.
func (e *Expr) Eval(answers map[string]Answer, self *Answer) (Value, error) {
	if e == nil || e.root == nil {
		return Value{}, errors.New("empty expression")
	}
	env := evalEnv{answers: answers, self: self}
	v, err := env.eval(e.root)
	if err != nil {
		return Value{}, fmt.Errorf("eval %q: %w", e.Source, err)
	}
	return v, nil
}

// True evaluates the expression as a condition: evaluation errors count as
// false.
func (e *Expr) True(answers map[string]Answer, self *Answer) bool {
	v, err := e.Eval(answers, self)
	return err == nil && v.Bool()
}

type opKind uint8

const (
	opLit opKind = iota
	opRef
	opSelf
	opOr
	opAnd
	opNot
	opNeg
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opAdd
	opSub
	opMul
	opDiv
	opMod
	opCall
)

type node struct {
	op    opKind
	lit   Value
	name  string // reference or function name
	args  []*node
	depth int // 1 for a leaf
}

type evalEnv struct {
	answers map[string]Answer
	self    *Answer
}

func (env evalEnv) eval(n *node) (Value, error) {
	switch n.op {
	case opLit:
		return n.lit, nil
	case opRef:
		a, ok := env.answers[n.name]
		if !ok || a.Skipped {
			return strValue(""), nil
		}
		return strValue(a.Value), nil
	case opSelf:
		if env.self == nil || env.self.Skipped {
			return strValue(""), nil
		}
		return strValue(env.self.Value), nil
	case opOr, opAnd:
		return env.evalLogic(n)
	case opNot:
		v, err := env.eval(n.args[0])
		return boolValue(err == nil && !v.Bool()), err
	case opCall:
		return env.evalCall(n)
	}
	args := make([]Value, len(n.args))
	for i, a := range n.args {
		v, err := env.eval(a)
		if err != nil {
			return Value{}, err
		}
		args[i] = v
	}
	if n.op == opNeg {
		x, ok := args[0].Number()
		if !ok {
			return Value{}, fmt.Errorf("-%q: %w", args[0].String(), ErrNotANumber)
		}
		return numValue(-x), nil
	}
	if n.op >= opEq && n.op <= opGe {
		return boolValue(compare(n.op, args[0], args[1])), nil
	}
	return arith(n.op, args[0], args[1])
}

func (env evalEnv) evalLogic(n *node) (Value, error) {
	l, err := env.eval(n.args[0])
	if err != nil {
		return Value{}, err
	}
	if n.op == opOr && l.Bool() {
		return boolValue(true), nil
	}
	if n.op == opAnd && !l.Bool() {
		return boolValue(false), nil
	}
	r, err := env.eval(n.args[1])
	if err != nil {
		return Value{}, err
	}
	return boolValue(r.Bool()), nil
}

func (env evalEnv) evalCall(n *node) (Value, error) {
	if n.name == "if" { // only the branch taken is evaluated
		c, err := env.eval(n.args[0])
		if err != nil {
			return Value{}, err
		}
		if c.Bool() {
			return env.eval(n.args[1])
		}
		return env.eval(n.args[2])
	}
	args := make([]Value, len(n.args))
	for i, a := range n.args {
		v, err := env.eval(a)
		if err != nil {
			return Value{}, err
		}
		args[i] = v
	}
	switch n.name {
	case "selected":
		want := args[1].String()
		for _, f := range strings.Fields(args[0].String()) {
			if f == want {
				return boolValue(true), nil
			}
		}
		return boolValue(false), nil
	case "count-selected":
		return numValue(float64(len(strings.Fields(args[0].String())))), nil
	case "string-length":
		return numValue(float64(utf8.RuneCountInString(args[0].String()))), nil
	case "number":
		x, ok := args[0].Number()
		if !ok {
			return Value{}, fmt.Errorf("number(%q): %w", args[0].String(), ErrNotANumber)
		}
		return numValue(x), nil
	}
	return Value{}, fmt.Errorf("unknown function %s", n.name)
}

// compare applies a comparison: numerically when both sides are numbers,
// as booleans when either side is one, else as strings.
func compare(op opKind, a, b Value) bool {
	var c int
	x, okx := a.Number()
	y, oky := b.Number()
	switch {
	case a.isBoolean() || b.isBoolean():
		c = boolCmp(a.Bool(), b.Bool())
	case okx && oky:
		c = floatCmp(x, y)
	default:
		c = strings.Compare(a.String(), b.String())
	}
	switch op {
	case opEq:
		return c == 0
	case opNe:
		return c != 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	case opGt:
		return c > 0
	}
	return c >= 0
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

func floatCmp(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func arith(op opKind, a, b Value) (Value, error) {
	x, okx := a.Number()
	y, oky := b.Number()
	if !okx || !oky {
		bad := a
		if okx {
			bad = b
		}
		return Value{}, fmt.Errorf("%q: %w", bad.String(), ErrNotANumber)
	}
	var r float64
	switch op {
	case opAdd:
		r = x + y
	case opSub:
		r = x - y
	case opMul:
		r = x * y
	case opDiv, opMod:
		if y == 0 {
			return Value{}, ErrDivisionByZero
		}
		if op == opDiv {
			r = x / y
		} else {
			r = math.Mod(x, y)
		}
	}
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return Value{}, fmt.Errorf("result out of range: %w", ErrNotANumber)
	}
	return numValue(r), nil
}
