#!/usr/bin/env python3
# Prints the JSON vocabulary section of CONTRIBUTING.md from Sources/Reporting/JSONVocabulary.swift;
# with --write, replaces that section in CONTRIBUTING.md. Run from the repository root.
import re
src=open('Sources/Reporting/JSONVocabulary.swift').read()
rows=re.findall(r'\("([a-z_][a-z0-9_]*)", "((?:[^"\\]|\\.)*)"\)', src)
lines=[]
for k,m in rows:
    m=m.replace('\\"','"')
    lines.append("| `%s` | %s |\n" % (k,m))
table="| key | meaning |\n|---|---|\n"+"".join(lines)
banned=re.search(r'bannedSynonyms: \[String: String\] = \[(.*?)\n  \]', src, re.S).group(1)
pairs=re.findall(r'"([^"]+)": "([^"]+)"', banned)
btxt=", ".join("`%s` (use `%s`)" % (a,b) for a,b in pairs)
doc='''## JSON vocabulary

Every key of every command's JSON output (schema version 2) is one of the keys below; the list
is `JSONVocabulary.keys` in `Sources/Reporting/JSONVocabulary.swift`, and `JSONVocabularyTests`
runs every command with `--format json` and fails on a key that is not listed, on a banned
synonym, or on a `ci_method` (`wald`, `profile`, `profile_penalized`) or `variance` (`model`,
`robust`; the words go in `variance_detail`) value outside its set. Add a key here and in the
constant in the same commit (`python3 Scripts/json-vocabulary-table.py` prints this table from
the constant). The keys of `parameters` are the command's option names; those of
`n_dropped_by_variable`, `values`, `filled_from` and of each `records` row are names from the
data. Values carry no annotations: where a value came from is a key of its own (`filled_from`).

Banned synonyms: %s.

%s''' % (btxt, table)
import sys
if len(sys.argv) > 1 and sys.argv[1] == '--write':
    p='CONTRIBUTING.md'
    s=open(p).read()
    if '## JSON vocabulary' in s:
        a=s.index('## JSON vocabulary'); b=s.index('## Example data')
        s=s[:a]+doc+'\n'+s[b:]
    else:
        s=s.replace('## Example data', doc+'\n## Example data',1)
    open(p,'w').write(s)
else:
    print(doc)
