//! Entry point of the web app: installs the panic hook and mounts the page.

fn main() {
    etcd_playground::start();
}
