module fixture/types

go 1.26
