module pelato.local/unquote

go 1.24
