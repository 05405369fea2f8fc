// Command installcheck writes a file-based Go module proxy (the layout
// GOPROXY=file://DIR reads) holding each given module directory of this
// repository at one version, packed the way the go command packs a module
// zip: every file of the module (git-tracked when git is available), none
// of a nested module's, under "path@version/". scripts/installcheck.sh
// then installs from it exactly as a user installs from proxy.golang.org.
//
//	go run ./scripts/installcheck -out /tmp/proxy -version v0.1.0 . contrib/redisstore
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	out := flag.String("out", "", "proxy directory to write (required)")
	version := flag.String("version", "", "version every module is published at, e.g. v0.1.0 (required)")
	flag.Parse()
	if err := run(*out, *version, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "installcheck:", err)
		os.Exit(1)
	}
}

func run(out, version string, dirs []string) error {
	if out == "" || version == "" || len(dirs) == 0 {
		return errors.New("usage: installcheck -out DIR -version vX.Y.Z MODULE_DIR [MODULE_DIR]")
	}
	if !strings.HasPrefix(version, "v") || strings.Count(version, ".") != 2 {
		return fmt.Errorf("-version %q is not a semantic version like v0.1.0", version)
	}
	for _, dir := range dirs {
		if err := publish(out, version, dir); err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
	}
	return nil
}

// publish writes list, .info, .mod and .zip of the module in dir.
func publish(out, version, dir string) error {
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	modPath := modulePath(gomod)
	if modPath == "" {
		return errors.New("go.mod has no module line")
	}
	files, err := moduleFiles(dir)
	if err != nil {
		return err
	}
	base := filepath.Join(out, filepath.FromSlash(escapePath(modPath)), "@v")
	if err := os.MkdirAll(base, 0o755); err != nil {
		return err
	}
	info, _ := json.Marshal(map[string]string{"Version": version, "Time": time.Now().UTC().Format(time.RFC3339)})
	for name, data := range map[string][]byte{"list": []byte(version + "\n"), version + ".info": info, version + ".mod": gomod} {
		if err := os.WriteFile(filepath.Join(base, name), data, 0o644); err != nil {
			return err
		}
	}
	zf, err := os.Create(filepath.Join(base, version+".zip"))
	if err != nil {
		return err
	}
	zw := zip.NewWriter(zf)
	prefix := modPath + "@" + version + "/"
	for _, f := range files {
		if err := addFile(zw, prefix+f, filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			_ = zf.Close()
			return err
		}
	}
	if err := zw.Close(); err != nil {
		_ = zf.Close()
		return err
	}
	fmt.Printf("installcheck: %s@%s (%d files)\n", modPath, version, len(files))
	return zf.Close()
}

func addFile(zw *zip.Writer, name, src string) error {
	r, err := os.Open(src)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := zw.Create(name)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	return err
}

// modulePath reads the module line of a go.mod.
func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// moduleFiles lists the module's files relative to dir, slash-separated:
// files git tracks or would track (so build output and ignored files stay
// out), or every regular file without git; in both cases minus nested
// modules, VCS directories and the workspace files, which a module zip
// never holds.
func moduleFiles(dir string) ([]string, error) {
	var all []string
	if out, err := exec.Command("git", "-C", dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".").Output(); err == nil {
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				all = append(all, f)
			}
		}
	} else {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == ".hg") {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() {
				rel, _ := filepath.Rel(dir, p)
				all = append(all, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	nested := map[string]bool{}
	for _, f := range all {
		if path.Base(f) == "go.mod" && f != "go.mod" {
			nested[path.Dir(f)] = true
		}
	}
	var keep []string
	for _, f := range all {
		if f == "go.work" || f == "go.work.sum" || inNested(f, nested) {
			continue
		}
		if st, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(f))); err != nil || !st.Mode().IsRegular() {
			continue // deleted in the working tree, or a symlink: not in a module zip
		}
		keep = append(keep, f)
	}
	return keep, nil
}

func inNested(f string, nested map[string]bool) bool {
	for d := path.Dir(f); d != "." && d != "/"; d = path.Dir(d) {
		if nested[d] {
			return true
		}
	}
	return false
}

// escapePath is the module proxy's case encoding: each upper-case letter
// becomes '!' and its lower-case form.
func escapePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
