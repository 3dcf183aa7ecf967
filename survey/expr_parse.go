package survey

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokNumber
	tokString
	tokRef
	tokSelf
	tokIdent
	tokOp
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokKind
	text string // operator, identifier, reference name or literal
	col  int
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokNumber:
		return "number " + t.text
	case tokString:
		return "string " + strconv.Quote(t.text)
	case tokRef:
		return "${" + t.text + "}"
	case tokSelf:
		return `"."`
	}
	return strconv.Quote(t.text)
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lex splits src into tokens; columns count characters from 1.
func lex(src string) ([]token, error) {
	var toks []token
	i, col, counted := 0, 1, 0
	for i < len(src) {
		c := src[i]
		col += utf8.RuneCountInString(src[counted:i])
		counted = i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			j := i
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '.' {
				j++
				for j < len(src) && isDigit(src[j]) {
					j++
				}
			}
			toks = append(toks, token{kind: tokNumber, text: src[i:j], col: col})
			i = j
			continue
		case c == '\'' || c == '"':
			end := strings.IndexByte(src[i+1:], c)
			if end < 0 {
				return nil, fmt.Errorf("col %d: unterminated string", col)
			}
			toks = append(toks, token{kind: tokString, text: src[i+1 : i+1+end], col: col})
			i += end + 2
			continue
		case c == '$':
			tok, n, err := lexRef(src[i:], col)
			if err != nil {
				return nil, err
			}
			toks = append(toks, tok)
			i += n
			continue
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && (isIdentChar(src[j]) || (src[j] == '-' && j+1 < len(src) && isIdentStart(src[j+1]))) {
				j++
			}
			toks = append(toks, token{kind: tokIdent, text: src[i:j], col: col})
			i = j
			continue
		}
		tok, n, err := lexPunct(src[i:], col)
		if err != nil {
			return nil, err
		}
		toks = append(toks, tok)
		i += n
	}
	return append(toks, token{kind: tokEOF, col: utf8.RuneCountInString(src) + 1}), nil
}

func lexRef(s string, col int) (token, int, error) {
	if len(s) < 2 || s[1] != '{' {
		return token{}, 0, fmt.Errorf(`col %d: expected "{" after "$"`, col)
	}
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return token{}, 0, fmt.Errorf(`col %d: expected "}" to close "${"`, col)
	}
	name := s[2:end]
	if !validRefName(name) {
		return token{}, 0, fmt.Errorf("col %d: bad question name %q in ${...}", col, name)
	}
	return token{kind: tokRef, text: name, col: col}, end + 1, nil
}

func validRefName(name string) bool {
	if name == "" || !isIdentStart(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		if !isIdentChar(name[i]) && name[i] != '-' && name[i] != '.' {
			return false
		}
	}
	return true
}

func lexPunct(s string, col int) (token, int, error) {
	two := ""
	if len(s) >= 2 {
		two = s[:2]
	}
	switch two {
	case "!=", "<=", ">=":
		return token{kind: tokOp, text: two, col: col}, 2, nil
	}
	switch s[0] {
	case '=', '<', '>', '+', '-', '*', '/':
		return token{kind: tokOp, text: s[:1], col: col}, 1, nil
	case '(':
		return token{kind: tokLParen, text: "(", col: col}, 1, nil
	case ')':
		return token{kind: tokRParen, text: ")", col: col}, 1, nil
	case ',':
		return token{kind: tokComma, text: ",", col: col}, 1, nil
	case '.':
		return token{kind: tokSelf, text: ".", col: col}, 1, nil
	}
	r, _ := utf8.DecodeRuneInString(s)
	return token{}, 0, fmt.Errorf("col %d: unexpected character %q", col, r)
}

// functionArity returns the number of arguments a function takes.
func functionArity(name string) (int, bool) {
	switch name {
	case "selected":
		return 2, true
	case "if":
		return 3, true
	case "count-selected", "string-length", "number":
		return 1, true
	}
	return 0, false
}

type exprParser struct {
	toks []token
	pos  int
	refs []string
}

func (p *exprParser) peek() token { return p.toks[p.pos] }

func (p *exprParser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

// newNode builds an operator node and refuses trees deeper than
// MaxExprDepth.
func newNode(op opKind, col int, args ...*node) (*node, error) {
	n := &node{op: op, args: args, depth: 1}
	for _, a := range args {
		n.depth = max(n.depth, a.depth+1)
	}
	if n.depth > MaxExprDepth {
		return nil, tooDeep(col)
	}
	return n, nil
}

func tooDeep(col int) error {
	return fmt.Errorf("col %d: expression nested deeper than %d", col, MaxExprDepth)
}

func (p *exprParser) parseOr(depth int) (*node, error) {
	return p.parseChain(depth, map[string]opKind{"or": opOr}, p.parseAnd)
}

func (p *exprParser) parseAnd(depth int) (*node, error) {
	return p.parseChain(depth, map[string]opKind{"and": opAnd}, p.parseNot)
}

func (p *exprParser) parseChain(depth int, ops map[string]opKind, sub func(int) (*node, error)) (*node, error) {
	l, err := sub(depth)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		op, ok := ops[t.text]
		if !ok || (t.kind != tokOp && t.kind != tokIdent) {
			return l, nil
		}
		p.next()
		r, err := sub(depth)
		if err != nil {
			return nil, err
		}
		if l, err = newNode(op, t.col, l, r); err != nil {
			return nil, err
		}
	}
}

func (p *exprParser) parseNot(depth int) (*node, error) {
	t := p.peek()
	if t.kind == tokIdent && t.text == "not" {
		p.next()
		if depth >= MaxExprDepth {
			return nil, tooDeep(t.col)
		}
		x, err := p.parseNot(depth + 1)
		if err != nil {
			return nil, err
		}
		return newNode(opNot, t.col, x)
	}
	return p.parseCmp(depth)
}

func (p *exprParser) parseCmp(depth int) (*node, error) {
	l, err := p.parseAdd(depth)
	if err != nil {
		return nil, err
	}
	cmpOps := map[string]opKind{"=": opEq, "!=": opNe, "<": opLt, "<=": opLe, ">": opGt, ">=": opGe}
	t := p.peek()
	op, ok := cmpOps[t.text]
	if !ok || t.kind != tokOp {
		return l, nil
	}
	p.next()
	r, err := p.parseAdd(depth)
	if err != nil {
		return nil, err
	}
	if o := p.peek(); o.kind == tokOp {
		if _, again := cmpOps[o.text]; again {
			return nil, fmt.Errorf("col %d: comparisons cannot be chained; use and", o.col)
		}
	}
	return newNode(op, t.col, l, r)
}

func (p *exprParser) parseAdd(depth int) (*node, error) {
	return p.parseChain(depth, map[string]opKind{"+": opAdd, "-": opSub}, p.parseMul)
}

func (p *exprParser) parseMul(depth int) (*node, error) {
	return p.parseChain(depth, map[string]opKind{"*": opMul, "/": opDiv, "div": opDiv, "mod": opMod}, p.parseUnary)
}

func (p *exprParser) parseUnary(depth int) (*node, error) {
	if depth >= MaxExprDepth {
		return nil, tooDeep(p.peek().col)
	}
	if t := p.peek(); t.kind == tokOp && t.text == "-" {
		p.next()
		x, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return newNode(opNeg, t.col, x)
	}
	return p.parsePrimary(depth)
}

func (p *exprParser) parsePrimary(depth int) (*node, error) {
	t := p.next()
	switch t.kind {
	case tokNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, fmt.Errorf("col %d: bad number %s", t.col, t.text)
		}
		return &node{depth: 1, op: opLit, lit: numValue(f)}, nil
	case tokString:
		return &node{depth: 1, op: opLit, lit: strValue(t.text)}, nil
	case tokRef:
		p.addRef(t.text)
		return &node{depth: 1, op: opRef, name: t.text}, nil
	case tokSelf:
		return &node{depth: 1, op: opSelf}, nil
	case tokLParen:
		x, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, fmt.Errorf(`col %d: expected ")", found %s`, c.col, c.describe())
		}
		return x, nil
	case tokIdent:
		return p.parseCall(t, depth)
	}
	return nil, fmt.Errorf("col %d: expected a value, found %s", t.col, t.describe())
}

func (p *exprParser) parseCall(name token, depth int) (*node, error) {
	arity, ok := functionArity(name.text)
	if !ok {
		return nil, fmt.Errorf("col %d: unknown function or word %q", name.col, name.text)
	}
	if t := p.next(); t.kind != tokLParen {
		return nil, fmt.Errorf(`col %d: expected "(" after %s`, t.col, name.text)
	}
	var args []*node
	for len(args) < arity {
		if len(args) > 0 {
			if t := p.next(); t.kind != tokComma {
				return nil, fmt.Errorf(`col %d: expected ",": %s takes %d arguments`, t.col, name.text, arity)
			}
		}
		a, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
	}
	if t := p.next(); t.kind != tokRParen {
		return nil, fmt.Errorf(`col %d: expected ")": %s takes %d argument(s)`, t.col, name.text, arity)
	}
	n, err := newNode(opCall, name.col, args...)
	if err != nil {
		return nil, err
	}
	n.name = name.text
	return n, nil
}

func (p *exprParser) addRef(name string) {
	for _, r := range p.refs {
		if r == name {
			return
		}
	}
	p.refs = append(p.refs, name)
}
