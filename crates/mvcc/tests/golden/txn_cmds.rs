//! The `txn` command. Its input lines are, in any order:
//!
//! - `if <value|version|create|mod|lease> <key> <=|!=|<|>> <operand> [end=E|prefix|from_key]`
//! - `then <op>` and `else <op>`, where `<op>` is a `put`, `get` or `del`
//!   command line, or `txn`, which opens a nested transaction whose lines
//!   follow until a line `end`;
//! - `then xN <op>` (or `else xN <op>`) repeats an operation N times, with
//!   `%d` in it replaced by 0, 1, 2...

use mvcc::{Compare, CompareResult, CompareTarget, RequestOp, TxnRequest};

use super::env::{Env, FLAGS, err, key_range};
use super::kv_cmds::{delete_request, put_request, range_request};
use super::render;
use super::script::{Args, words};

type Out = Result<Vec<String>, String>;

pub fn txn(env: &mut Env, input: &[String]) -> Out {
    let mut lines = input.iter().map(|s| s.trim().to_string());
    let req = parse_txn(&mut lines, false)?;
    Ok(match env.store.txn(&req) {
        Ok(r) => render::txn(&r, ""),
        Err(e) => vec![err(e)],
    })
}

fn parse_txn(lines: &mut dyn Iterator<Item = String>, nested: bool) -> Result<TxnRequest, String> {
    let mut req = TxnRequest::default();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if line == "end" {
            if nested {
                return Ok(req);
            }
            return Err("`end` outside a nested txn".into());
        }
        let (head, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        match head {
            "if" => req.compare.push(parse_compare(rest)?),
            "then" | "else" => {
                let (times, op_line) = match rest.split_once(' ') {
                    Some((n, op)) if n.starts_with('x') && n[1..].parse::<usize>().is_ok() => {
                        (n[1..].parse::<usize>().unwrap_or(1), op.to_string())
                    }
                    _ => (1, rest.to_string()),
                };
                for i in 0..times {
                    let op = parse_op(&op_line.replace("%d", &i.to_string()), lines)?;
                    if head == "then" { req.success.push(op) } else { req.failure.push(op) }
                }
            }
            other => return Err(format!("bad txn line start {other}")),
        }
    }
    if nested {
        return Err("nested txn without `end`".into());
    }
    Ok(req)
}

fn parse_op(line: &str, lines: &mut dyn Iterator<Item = String>) -> Result<RequestOp, String> {
    let ws = words(line)?;
    let (name, rest) = ws.split_first().ok_or("empty op")?;
    let args = Args::parse(rest.to_vec(), FLAGS);
    match name.as_slice() {
        b"put" => Ok(RequestOp::Put(put_request(&args)?)),
        b"get" => Ok(RequestOp::Range(range_request(&args)?)),
        b"del" => Ok(RequestOp::DeleteRange(delete_request(&args)?)),
        b"txn" => Ok(RequestOp::Txn(parse_txn(lines, true)?)),
        other => Err(format!("bad op {}", String::from_utf8_lossy(other))),
    }
}

fn parse_compare(rest: &str) -> Result<Compare, String> {
    let ws = words(rest)?;
    let args = Args::parse(ws, FLAGS);
    if args.pos.len() != 4 {
        return Err(format!("compare wants `target key op operand`, got `{rest}`"));
    }
    let (target, op, operand) =
        (args.text(0).unwrap_or_default(), args.text(2).unwrap_or_default(), &args.pos[3]);
    let num =
        || String::from_utf8_lossy(operand).parse::<i64>().map_err(|_| "bad compare number".to_string());
    let target = match target.as_str() {
        "value" => CompareTarget::Value(operand.clone()),
        "version" => CompareTarget::Version(num()?),
        "create" => CompareTarget::Create(num()?),
        "mod" => CompareTarget::Mod(num()?),
        "lease" => CompareTarget::Lease(num()?),
        other => return Err(format!("bad compare target {other}")),
    };
    let result = match op.as_str() {
        "=" => CompareResult::Equal,
        "!=" => CompareResult::NotEqual,
        "<" => CompareResult::Less,
        ">" => CompareResult::Greater,
        other => return Err(format!("bad compare op {other}")),
    };
    let key_args = Args { pos: vec![args.pos[1].clone()], opts: args.opts.clone() };
    let (key, range_end) = key_range(&key_args)?;
    Ok(Compare { result, target, key, range_end })
}
