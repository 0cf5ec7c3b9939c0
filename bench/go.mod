module github.com/phusong/phusong/bench

go 1.26.8

replace github.com/phusong/phusong => ../
