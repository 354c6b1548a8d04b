// Writes go-yaml-readings.tsv: how go-yaml v2 (kubectl, through sigs.k8s.io/yaml) and v3
// (kustomize's kyaml) read each scalar of the corpus that the tests of src/yaml/readings.rs
// also build. Only scalars that one of them does not read as the same string are listed.
//
// Run from this directory, with Debian's golang-go, golang-gopkg-yaml.v2-dev and
// golang-gopkg-yaml.v3-dev installed:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run go-yaml-readings.go > go-yaml-readings.tsv
package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	yaml2 "gopkg.in/yaml.v2"
	yaml3 "gopkg.in/yaml.v3"
)

// The corpus: every string of 1 to 4 characters over alphabet, then the lines of
// go-yaml-corpus.txt.
const alphabet = "019_.+-eoxb"

func corpus() []string {
	var out []string
	var grow func(prefix string, n int)
	grow = func(prefix string, n int) {
		if n == 0 {
			out = append(out, prefix)
			return
		}
		for _, c := range alphabet {
			grow(prefix+string(c), n-1)
		}
	}
	for n := 1; n <= 4; n++ {
		grow("", n)
	}
	f, err := os.Open("go-yaml-corpus.txt")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if line := lines.Text(); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// reading spells a decoded value as the Rust test reads it back.
func reading(v interface{}, err error, in string) string {
	if err != nil {
		return "error"
	}
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool:" + strconv.FormatBool(v)
	case int:
		return "int:" + strconv.Itoa(v)
	case int64:
		return "int:" + strconv.FormatInt(v, 10)
	case uint64:
		return "int:" + strconv.FormatUint(v, 10)
	case float64:
		switch {
		case math.IsNaN(v):
			return "float:nan"
		case math.IsInf(v, 1):
			return "float:inf"
		case math.IsInf(v, -1):
			return "float:-inf"
		}
		return "float:" + strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		if v == in {
			return "str"
		}
		return "str:" + strconv.Quote(v)
	}
	return fmt.Sprintf("other:%T", v)
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, s := range corpus() {
		doc := []byte("k: " + s + "\n")
		var v2 map[string]interface{}
		err2 := yaml2.Unmarshal(doc, &v2)
		var v3 map[string]interface{}
		err3 := yaml3.Unmarshal(doc, &v3)
		r2, r3 := reading(v2["k"], err2, s), reading(v3["k"], err3, s)
		if r2 != "str" || r3 != "str" {
			fmt.Fprintf(out, "%s\t%s\t%s\n", s, r2, r3)
		}
	}
}
