module pelato.local/gocheck

go 1.24
