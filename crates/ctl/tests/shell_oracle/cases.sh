# Cases for tests/shell_oracle.rs: each runs in real bash (in a new
# temporary directory) and in a fresh console; outputs must match.
# Separate cases with a blank line. Use relative paths only.

# ---- redirections
echo hello > f
cat f

echo a > f
echo b >> f
cat f

echo one > f
echo two > f
cat f

cat nofile 2> err
cat err

cat nofile > out 2>&1
cat out

cat nofile 2>&1 > out
cat out

echo x > nodir/f

echo x > nodir/f
echo $?

mkdir d
echo x > d

echo hi >/dev/null
echo $?

cat nofile 2>/dev/null
echo $?

echo text &> both
cat both

cat nofile &> both
cat both

echo hi 1> f
cat f

echo "a > b" > f
cat f

echo a>f
cat f

echo a >

echo x > f
cat < f

cat < nofile

echo abc > f
wc -c < f

echo 'a' > f; echo 'b' >> f; cat f | wc -l

cat > f <<EOF
line one
line two
EOF
cat f

X=world
cat > f <<'EOF'
hello $X
EOF
cat f

cat > f <<EOF
a

b
EOF
cat f

cat <<EOF > f
after
EOF
cat f

X=world
cat <<EOF
hello $X and ${X}s \$X $NOPE.
EOF

X=world
cat <<"EOF"
hello $X
EOF

cat >> f <<EOF
first
EOF
cat >> f <<EOF
second
EOF
cat f

echo "2" > f
cat f

echo a 2>err >out
cat out err

echo a | tee t1 t2
cat t1 t2

echo a > t
echo b | tee -a t
cat t

echo a | tee nodir/t
echo $?

# ---- sed
printf 'a\nb\nc\n' > f
sed 's/b/B/' f

printf 'aaa\n' > f
sed 's/a/x/g' f

printf 'aaa\n' > f
sed 's/a/x/2' f

printf 'aaaa\n' > f
sed 's/a/x/2g' f

printf 'Hello\n' > f
sed 's/hello/bye/I' f

printf 'a/b/c\n' > f
sed 's|/|:|g' f

printf 'a/b/c\n' > f
sed 's#/#-#' f

printf 'path: /var/lib/etcd\n' > f
sed 's/\/var\/lib\/etcd/\/var\/lib\/etcd-from-backup/' f

printf 'a\nb\nc\n' > f
sed -n '2p' f

printf 'a\nb\nc\n' > f
sed -n '$p' f

printf 'a\nb\nc\n' > f
sed '2d' f

printf 'a\nb\nc\n' > f
sed '$d' f

printf 'a\nb\nc\nd\n' > f
sed '2,3d' f

printf 'a\nb\nc\nd\n' > f
sed -n '/b/,/c/p' f

printf 'x1\ny\nx2\n' > f
sed '/^x/d' f

printf 'x1\ny\nx2\n' > f
sed -n '/^x/!p' f

printf 'a b\n' > f
sed 's/\(a\) \(b\)/\2 \1/' f

printf 'a b\n' > f
sed -E 's/(a) (b)/\2 \1/' f

printf 'abc\n' > f
sed 's/b/[&]/' f

printf 'aaa bbb\n' > f
sed -E 's/a+/X/' f

printf 'aaa bbb\n' > f
sed 's/a\+/X/' f

printf 'a+b\n' > f
sed 's/a+b/X/' f

printf 'x{2}\n' > f
sed 's/x{2}/Y/' f

printf 'xx\n' > f
sed 's/x\{2\}/Y/' f

printf 'ab12\n' > f
sed 's/[[:digit:]]\+/N/' f

printf 'abc\n' > f
sed 's/x*/-/g' f

printf 'a\nb\n' > f
sed p f

printf 'a\nb\n' > f
sed -n p f

printf 'a\nb' > f
sed p f

printf 'a\nb\n' > f
sed -e 's/a/A/' -e 's/b/B/' f

printf 'a\nb\n' > f
sed 's/a/A/;s/b/B/' f

printf 'a\nb\n' > f
sed -n -e '1p' -e '2p' f

printf 'a\nb\nc\n' > f
sed '2q' f

printf 'a\nb\nc\n' > f
sed = f

printf 'a\nb\n' > f
sed '1a\
added' f

printf 'a\nb\n' > f
sed '1i inserted' f

printf 'a\nb\n' > f
sed '/^a/a\    one\n      two\tx' f

printf 'a\nb\n' > f
sed '2c changed' f

printf 'hello\n' > f
sed 'y/hel/HEL/' f

printf '1\n2\n3\n4\n5\n6\n' > f
sed -n '1~2p' f

printf '1\n2\n3\n4\n5\n' > f
sed '2,+2d' f

printf '1\n2\n3\n' > f
sed '0,/2/d' f

printf '1\n2\n3\n' > f
sed -n '2{p;p}' f

printf 'a\nb\n' > f
sed -i 's/a/A/' f
cat f

printf 'a\nb\n' > f
sed -i.bak 's/a/A/' f
cat f f.bak

printf 'a\n' > f
printf 'b\n' > g
sed -i 's/^/>/' f g
cat f g

printf 'a\n' > f
printf 'b\n' > g
sed -n '$p' f g

printf 'a\n' > f
printf 'b\n' > g
sed -s -n '$p' f g

printf 'a\n' > f
sed 's/a/b/' f nofile

printf 'a\n' > f
sed 's/a/b/' f nofile
echo $?

sed 's/a/b/' nofile

sed -i 's/a/b/'

sed 's/a/b'

sed 'k' f

printf 'a\n' > f
sed 's/\(a/b/' f

printf 'a\n' > f
sed '/a/' f

printf 'a\n' > f
sed 's/a/b/q' f

printf 'a\n' > f
sed 's/a/\1/' f

printf 'a\n' > f
sed -e p -e k f

printf 'key: value\n' > f
sed 's/: .*$//' f

printf '  indented\n' > f
sed 's/^ *//' f

printf 'a.b\n' > f
sed 's/\./-/' f

printf 'a.b\n' > f
sed 's/./-/g' f

printf 'x\n' > f
sed 'a foo; p' f

echo one two | sed 's/\<two\>/2/'

echo abc | sed 's/b/\n/'

echo 'a|b' | sed -E 's/a|b/X/g'

echo 'a|b' | sed 's/a|b/X/g'

echo 'a|b' | sed 's/a\|b/X/g'

echo ab | sed -n '/a/{s/a/A/p}'

echo --data-dir=/var/lib/etcd | sed 's|--data-dir=.*|--data-dir=/var/lib/etcd-new|'

printf '1\n2\n3\n' | sed -n '2!p'

printf 'a\n' | sed -n

echo a | sed --expression='s/a/b/'

echo a | sed -E -n 's/(a)/\1\1/p'

echo aaa | sed 's/a*/x/2'

echo hello | sed 's/l*/X/g'

echo abc | sed 's/$/!/'

echo abc | sed 's/^/> /'

printf 'a\tb\n' | sed 's/\t/ /'

echo 'a b  c' | sed 's/ \+/_/g'

echo 'ab' | sed 's/[^a]/X/'

echo 'a]b' | sed 's/[]]/X/'

echo 'a-b' | sed 's/[a-]/X/g'

echo 'a/b' | sed 's/[/]/X/'

sed -k

seq 5 | sed -n 'n;p'

seq 5 | sed '$!N;s/\n/ /'

seq 5 | sed 'N;N;s/\n/+/g'

printf 'a\nb\n' | sed -n 'h;n;G;p'

seq 3 | sed 'n;d'

seq 4 > f
seq 2 > g
sed -s -n '$=' f g

seq 4 > f
seq 2 > g
sed -n '$=' f g

# ---- cp, mv, rm, mkdir, touch
cp

cp f

cp x y

mkdir d
cp d e

echo a > f
cp f f

echo a > f
cp f nod/x

echo a > f
cp f g h

echo a > f
cp f g
cat g

echo a > f
mkdir d
cp f d
cat d/f

echo a > f
mkdir d
cp f d/
ls d

mkdir -p d/sub
echo x > d/sub/f
cp -r d e
cat e/sub/f

mkdir d
echo x > d/f
mkdir e
cp -r d e
ls e
ls e/d

mkdir d
echo a > f
cp -r d f

mv

mv x y

echo a > f
mv f f

mkdir d
mv d d/e

echo a > f
mv f g
cat g
cat f

echo a > f
mkdir d
mv f d
ls d

mkdir d
echo x > d/f
mv d e
cat e/f
ls

echo a > f
mv f nod/x

rm

rm nofile

rm -f nofile
echo $?

mkdir d
rm d

mkdir d
echo x > d/f
rm -r d
ls

mkdir d
echo x > d/f
rm -rf d nofile
echo $?

echo a > f
rm f
cat f

mkdir d
mkdir d

mkdir a/b

mkdir -p a/b
ls a

mkdir -p a/b
mkdir -p a/b
echo $?

mkdir

echo x > f
mkdir f

touch f
ls
wc -c f

touch nod/x

touch

echo a > f
touch f
cat f

mkdir d
echo x > d/f
rm d/f
ls d
echo $?

# ---- ls, cat, head, tail, wc, grep on files
ls nofile

echo a > b
echo a > a
ls

mkdir d
echo a > d/f
ls d

echo x > .hidden
echo y > shown
ls

echo x > .hidden
ls -a

echo a > f
ls f nofile

mkdir d
echo a > d/x
echo b > f
ls f d

mkdir d
cat d

cat nofile

printf 'a\nb\n' > f
cat -n f

echo a > f
cat f nofile f

seq 20 > f
head -n 3 f

seq 20 > f
tail -n 2 f

seq 20 > f
head -3 f

head nofile

seq 3 > f
head -n 1 f nofile

seq 3 > f
seq 5 > g
head -n 1 f g

mkdir d
tail -n 1 d

seq 15 > f
head f

seq 15 > f
tail f

printf 'a\nb\n' > f
wc -l f

printf 'a b\nc\n' > f
wc f

printf 'a\n' > f
printf 'b\nc\n' > g
wc -l f g

wc -l nofile

printf 'etcd\nkube\n' > f
grep etcd f

printf 'etcd\nkube\n' > f
grep -c e f

printf 'etcd\n' > f
printf 'kube-etcd\n' > g
grep etcd f g

grep x nofile

printf 'a\n' > f
grep b f
echo $?

printf 'data-dir=/var/lib/etcd\n' > f
grep -n data-dir f

printf 'b\na\n' > f
sort f

printf 'etcd-1\netcdctl\n' | grep -w etcd

printf 'a1\nb22\n' | grep -E '[0-9]{2}'

printf 'a1\nb22\n' | grep '[0-9]\{2\}'

printf 'x\n' | grep '\(x'

seq 20 > f
grep -A 2 -n 5 f

seq 20 > f
grep -B1 -C1 '^1[05]$' f

seq 12 > f
seq 3 > g
grep -A1 1 f g

seq 10 > f
grep -c -A3 1 f

seq 10 > f
grep -A x 1 f

# ---- diff
printf 'a\nb\nc\n' > f
printf 'a\nB\nc\n' > g
diff f g

printf 'a\nb\nc\n' > f
printf 'a\nc\n' > g
diff f g

printf 'a\nc\n' > f
printf 'a\nb\nb2\nc\n' > g
diff f g

printf 'a\n' > f
cp f g
diff f g
echo $?

printf 'a\n' > f
printf 'b\n' > g
diff f g
echo $?

printf 'a\n' > f
diff f nofile

diff

diff f

printf 'a\n' > f
printf 'a' > g
diff f g

printf 'a\n' > f
printf 'b\n' > g
diff -q f g

printf '1\n2\n3\n4\n5\n6\n' > f
printf '1\n3\n4\nx\n6\n7\n' > g
diff f g

# ---- cd, pwd
mkdir d
cd d
echo x > f
cd ..
cat d/f

cd nod

echo a > f
cd f

mkdir -p a/b
cd a/b
cd ../..
ls

cd a b
