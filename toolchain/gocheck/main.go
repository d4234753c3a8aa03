// gocheck answers requests on stdin, one per line: a JSON array of Go file paths. For each
// it prints one line, a JSON array saying what pelatod needs to know about each file: syntax
// errors, the package name, how exec_task and main are declared, the imports, and any build
// constraint. It uses go/parser so the
// answer is the compiler's, not a regex's. It stays up between requests: a daemon checking a
// project on every save pays for no process start.
package main

import (
	"bufio"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"strings"
)

type position struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

type syntaxError struct {
	position
	Message string `json:"message"`
}

type funcDecl struct {
	position
	Params  []string `json:"params"`
	Results []string `json:"results"`
	Generic bool     `json:"generic,omitempty"`
}

type importSpec struct {
	position
	Path string `json:"path"`
}

type report struct {
	File     string        `json:"file"`
	Package  string        `json:"package,omitempty"`
	Errors   []syntaxError `json:"errors"`
	ExecTask *funcDecl     `json:"execTask,omitempty"`
	Main     *position     `json:"main,omitempty"`
	Imports  []importSpec  `json:"imports"`
	// The first //go:build or // +build line before the package clause.
	Constraint *syntaxError `json:"constraint,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<10), 16<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for in.Scan() {
		var paths []string
		if err := json.Unmarshal(in.Bytes(), &paths); err != nil {
			os.Exit(2)
		}
		fset := token.NewFileSet()
		reports := make([]report, 0, len(paths))
		for _, path := range paths {
			reports = append(reports, check(fset, path))
		}
		if enc.Encode(reports) != nil || out.Flush() != nil {
			os.Exit(1)
		}
	}
}

func check(fset *token.FileSet, path string) report {
	r := report{File: path, Errors: []syntaxError{}, Imports: []importSpec{}}
	file, err := parser.ParseFile(fset, path, nil, parser.AllErrors|parser.SkipObjectResolution|parser.ParseComments)
	if list, ok := err.(scanner.ErrorList); ok {
		for _, e := range list {
			r.Errors = append(r.Errors, syntaxError{position{e.Pos.Line, e.Pos.Column}, e.Msg})
		}
	} else if err != nil {
		r.Errors = append(r.Errors, syntaxError{position{1, 1}, err.Error()})
	}
	if file == nil {
		return r
	}
	r.Package = file.Name.Name
	for _, spec := range file.Imports {
		pos := fset.Position(spec.Path.Pos())
		r.Imports = append(r.Imports, importSpec{position{pos.Line, pos.Column}, strings.Trim(spec.Path.Value, "`\"")})
	}
	for _, group := range file.Comments {
		if group.End() >= file.Package || r.Constraint != nil {
			break
		}
		for _, c := range group.List {
			if strings.HasPrefix(c.Text, "//go:build") || strings.HasPrefix(c.Text, "// +build") {
				pos := fset.Position(c.Pos())
				r.Constraint = &syntaxError{position{pos.Line, pos.Column}, c.Text}
				break
			}
		}
	}
	for _, d := range file.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil {
			continue
		}
		pos := fset.Position(fn.Name.Pos())
		switch fn.Name.Name {
		case "exec_task":
			r.ExecTask = &funcDecl{position{pos.Line, pos.Column}, types(fn.Type.Params), types(fn.Type.Results), fn.Type.TypeParams != nil && len(fn.Type.TypeParams.List) > 0}
		case "main":
			r.Main = &position{pos.Line, pos.Column}
		}
	}
	return r
}

// types lists one entry per parameter, so `a, b string` gives ["string", "string"].
func types(fields *ast.FieldList) []string {
	out := []string{}
	if fields == nil {
		return out
	}
	for _, f := range fields.List {
		var b strings.Builder
		printType(&b, f.Type)
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for i := 0; i < n; i++ {
			out = append(out, b.String())
		}
	}
	return out
}

func printType(b *strings.Builder, e ast.Expr) {
	switch t := e.(type) {
	case *ast.Ident:
		b.WriteString(t.Name)
	case *ast.StarExpr:
		b.WriteString("*")
		printType(b, t.X)
	case *ast.ArrayType:
		b.WriteString("[]")
		printType(b, t.Elt)
	case *ast.SelectorExpr:
		printType(b, t.X)
		b.WriteString("." + t.Sel.Name)
	case *ast.Ellipsis:
		b.WriteString("...")
		printType(b, t.Elt)
	default:
		b.WriteString("?")
	}
}
