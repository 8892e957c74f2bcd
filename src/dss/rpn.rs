//! In-line RPN arithmetic of OpenDSS values: `XHL=(8 1000 /)`, `kW={2 3 *}`.
//!
//! Numbers are pushed; `+ - * / ^` pop two and push the result; `sqr sqrt inv ln exp log10 neg`
//! act on the top; `pi` pushes π; `swap` exchanges the top two. The value is the top of the stack.

/// Evaluates an RPN expression; the error says what is wrong.
pub(crate) fn evaluate(expr: &str) -> Result<f64, String> {
    let mut stack: Vec<f64> = Vec::new();
    for token in expr
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
    {
        if let Ok(x) = token.parse::<f64>() {
            stack.push(x);
            continue;
        }
        let op = token.to_lowercase();
        match op.as_str() {
            "+" | "-" | "*" | "/" | "^" | "swap" => {
                let (Some(b), Some(a)) = (stack.pop(), stack.pop()) else {
                    return Err(format!("`{token}` needs two numbers before it"));
                };
                match op.as_str() {
                    "+" => stack.push(a + b),
                    "-" => stack.push(a - b),
                    "*" => stack.push(a * b),
                    "/" => stack.push(a / b),
                    "^" => stack.push(a.powf(b)),
                    _ => {
                        stack.push(b);
                        stack.push(a);
                    }
                }
            }
            "sqr" | "sqrt" | "inv" | "ln" | "exp" | "log10" | "neg" => {
                let Some(a) = stack.pop() else {
                    return Err(format!("`{token}` needs a number before it"));
                };
                stack.push(match op.as_str() {
                    "sqr" => a * a,
                    "sqrt" => a.sqrt(),
                    "inv" => 1.0 / a,
                    "ln" => a.ln(),
                    "exp" => a.exp(),
                    "log10" => a.log10(),
                    _ => -a,
                });
            }
            "pi" => stack.push(std::f64::consts::PI),
            _ => return Err(format!("`{token}` is neither a number nor an RPN operator")),
        }
    }
    let value = stack.pop().ok_or_else(|| "empty expression".to_string())?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(format!("the result {value} is not finite"))
    }
}
