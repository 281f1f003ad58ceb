use std::future::Future;

async fn fetch(id: u32) -> Result<String, std::io::Error> {
    let data = load(id).await?;
    Ok(data.trim().to_owned())
}

async fn load(_id: u32) -> std::io::Result<String> {
    Ok(String::new())
}

fn spawn<F: Future<Output = ()> + Send + 'static>(_f: F) {}

fn closures() {
    let add = |a, b| a + b;
    let typed = |a: i32, b: i32| -> i32 { a * b };
    let unit = || ();
    let spaced = | | 1;
    let mut count = 0;
    let mut inc = move || {
        count += 1;
        count
    };
    let pattern = |&(a, b): &(i32, i32)| a - b;
    let ignore = |_| 0;
    let nested = |x| move |y| x + y;
    spawn(async move {
        let s = fetch(1).await;
        drop(s);
    });
    let fut = async { 5 };
    let block = async move { fut.await + 1 };
    let v: Vec<i32> = (0..10).map(|x| x * 2).filter(|&x| x > 4).collect();
    let _ = v.iter().fold(0, |acc, x| acc + x);
    let boxed: Box<dyn Fn(i32) -> i32> = Box::new(|x| x);
    let by_ref = &|x: u8| x;
    let _ = (add(1, 2), typed(1, 2), unit(), spaced(), inc(), pattern(&(1, 2)), ignore(3), nested(1)(2), block, boxed(1), by_ref(1));
}
