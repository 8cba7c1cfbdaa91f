// The CKA exam's etcd task on the page, typed as on the exam, the static
// pod's manifest edited in the editor pane: back up with the kubeadm
// certificates, create a pod after the backup, restore into a new data dir
// with etcdutl, point etcd.yaml at it with vi and :wq, let the kubelet
// restart etcd, and see with kubectl and etcdctl the cluster of the backup.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

const TLS =
  '--endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt ' +
  '--cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key';

test('backup, restore, etcd.yaml edited in the editor: the kubelet brings the cluster back at the backup', async ({ page }) => {
  const app = new Playground(page);
  // The exam's commands carry the certificates as flags (an exported
  // ETCDCTL_CACERT would conflict with --cacert).
  await app.openWithLeader('/', { certs: false });
  await app.runAndExpect(`ETCDCTL_API=3 etcdctl ${TLS} snapshot save /opt/snap.db`, 'Snapshot saved at /opt/snap.db');
  await app.runAndExpect('kubectl run after-backup --image=nginx', 'pod/after-backup created');
  await app.runAndExpect('etcdutl --data-dir /var/lib/etcd-from-backup snapshot restore /opt/snap.db && echo restored', 'restored');

  await app.openEditor('/etc/kubernetes/manifests/etcd.yaml');
  const manifest = await app.editorText.inputValue();
  expect(manifest).toContain('      path: /var/lib/etcd\n');
  await app.editorText.fill(manifest.replaceAll('/var/lib/etcd', '/var/lib/etcd-from-backup'));
  await app.vim(':wq');
  await expect(app.editor).toBeHidden();

  // The kubelet reads its manifests every 20 s of virtual time: 20x speed.
  await app.setSpeedSlider(1000);
  await app.runAndExpect('sleep 30 && echo waited', 'waited', 30_000);
  await app.runAndExpect('crictl ps -a --name etcd | grep -c etcd-controlplane', '2');
  await app.runAndExpect('kubectl get pods', 'No resources found in default namespace.');
  await app.runAndExpect(
    `etcdctl ${TLS} member list`,
    '8e9e05c52164694d, started, default, https://localhost:2380, https://127.0.0.1:2379, false',
  );
  app.expectNoErrors();
});
