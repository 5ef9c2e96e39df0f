//! `hotelband-server`: runs the emulator (SKELETON: flags come with the foundation issue).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let config = hotelband_server::Config {
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
        dist: Some("dist".into()),
    };
    let running = hotelband_server::start(config).await?;
    println!("hotelband: open {}/", running.url());
    std::future::pending::<()>().await;
    Ok(())
}
