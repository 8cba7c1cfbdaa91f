#!/usr/bin/env bash
# Writes kubeadm-like certificates with openssl into DIR (default ./pki):
#
#   DIR/ca.crt, ca.key                           the cluster CA ("kubernetes")
#   DIR/apiserver.crt, apiserver.key             the apiserver's serving cert (cluster CA)
#   DIR/apiserver-etcd-client.crt, .key          the apiserver's client cert for etcd (etcd CA)
#   DIR/etcd/ca.crt, ca.key                      the etcd CA ("etcd-ca")
#   DIR/etcd/server.crt, server.key              etcd's serving cert (server and client auth)
#   DIR/etcd/peer.crt, peer.key                  etcd's peer cert (server and client auth)
#   DIR/etcd/healthcheck-client.crt, .key        the probe's client cert (client auth)
#
# As kubeadm v1.30 makes them: RSA 2048 keys in PKCS#1 PEM ("RSA PRIVATE KEY"), CAs with
# CN kubernetes / etcd-ca, etcd's server and peer certs for the node name, localhost,
# 127.0.0.1 and ::1. The node is called "controlplane" (as on the exam's nodes).
set -eu
DIR=${1:-pki}
NODE=${NODE:-controlplane}
mkdir -p "$DIR/etcd"
EXT=$(mktemp)
trap 'rm -f "$EXT"' EXIT

ca() { # KEYFILE CRTFILE CN
  openssl genrsa -traditional -out "$1" 2048 2>/dev/null
  openssl req -x509 -new -key "$1" -out "$2" -days 3650 -subj "/CN=$3" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" 2>/dev/null
}

leaf() { # CA_PREFIX OUT_PREFIX SUBJECT EXTENDED_KEY_USAGE [SANS]
  openssl genrsa -traditional -out "$2.key" 2048 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$4"
    if [ -n "${5:-}" ]; then echo "subjectAltName=$5"; fi
  } >"$EXT"
  openssl req -new -key "$2.key" -subj "$3" 2>/dev/null |
    openssl x509 -req -CA "$1.crt" -CAkey "$1.key" -CAcreateserial -days 365 \
      -extfile "$EXT" -out "$2.crt" 2>/dev/null
  rm -f "$1.srl"
}

SANS="DNS:$NODE,DNS:localhost,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1"
ca "$DIR/ca.key" "$DIR/ca.crt" kubernetes
ca "$DIR/etcd/ca.key" "$DIR/etcd/ca.crt" etcd-ca
leaf "$DIR/etcd/ca" "$DIR/etcd/server" "/CN=$NODE" serverAuth,clientAuth "$SANS"
leaf "$DIR/etcd/ca" "$DIR/etcd/peer" "/CN=$NODE" serverAuth,clientAuth "$SANS"
leaf "$DIR/etcd/ca" "$DIR/etcd/healthcheck-client" "/CN=kube-etcd-healthcheck-client" clientAuth
leaf "$DIR/etcd/ca" "$DIR/apiserver-etcd-client" "/CN=kube-apiserver-etcd-client" clientAuth
leaf "$DIR/ca" "$DIR/apiserver" "/CN=kube-apiserver" serverAuth \
  "DNS:$NODE,DNS:kubernetes,DNS:kubernetes.default,IP:10.96.0.1,IP:127.0.0.1"
