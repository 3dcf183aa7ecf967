package survey

// Expr is a compiled `relevant`, `constraint` or `screen_out` expression.
// TEMPORARY placeholder: the real parser and evaluator replace this file.
type Expr struct {
	Source string
}

// ParseExpr compiles an expression. TEMPORARY placeholder.
func ParseExpr(src string) (*Expr, error) { return &Expr{Source: src}, nil }

// Refs returns the question names the expression reads. TEMPORARY placeholder.
func (e *Expr) Refs() []string { return nil }
