/** The 3D viewer: a document's glTF/GLB viewable, its component tree, the live part panel (P2-H). */

import { useEffect, useRef, useState } from "react";
import * as THREE from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";
import { api, download, ok, type Schemas } from "../api/client";
import { ApiError } from "../api/errors";
import { componentTree, flatten, type TreeEntry } from "../lib/scene";
import { ErrorLine, Link, useLoad } from "../lib/ui";

/** A scene node under its glTF name (three.js makes names unique: "WHEEL-2100_1"). */
interface Obj {
  name: string;
  index?: number;
  object: THREE.Object3D;
  children: Obj[];
}
type Entry = TreeEntry<Obj>;

function mirror(object: THREE.Object3D, names: Map<THREE.Object3D, { name: string; index: number }>): Obj {
  const known = names.get(object);
  return {
    name: known?.name ?? "",
    index: known?.index,
    object,
    children: object.children.map((c) => mirror(c, names)),
  };
}
const HIGHLIGHT = new THREE.Color("#ff8a00");

interface Stage {
  fit: () => void;
  select: (object: THREE.Object3D | null) => void;
  dispose: () => void;
}

function frame(camera: THREE.PerspectiveCamera, controls: OrbitControls, object: THREE.Object3D): void {
  const box = new THREE.Box3().setFromObject(object);
  if (box.isEmpty()) return;
  const size = box.getSize(new THREE.Vector3()).length();
  const center = box.getCenter(new THREE.Vector3());
  const distance = size / (2 * Math.tan((camera.fov * Math.PI) / 360));
  camera.position.copy(center).add(new THREE.Vector3(0.6, 0.45, 1).normalize().multiplyScalar(distance * 1.1));
  camera.near = size / 100;
  camera.far = size * 100;
  camera.updateProjectionMatrix();
  controls.target.copy(center);
  controls.update();
}

/** Set up the scene in `host`; clicks on a mesh report the nearest mapped ancestor. */
function mount(host: HTMLDivElement, root: THREE.Object3D, pick: (o: THREE.Object3D) => void): Stage {
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
  renderer.setSize(host.clientWidth, host.clientHeight);
  renderer.domElement.setAttribute("aria-label", "3D model: drag to orbit, scroll to zoom");
  renderer.domElement.setAttribute("role", "img");
  host.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color("#eef1f5");
  scene.add(new THREE.HemisphereLight(0xffffff, 0x8090a0, 2.2));
  const sun = new THREE.DirectionalLight(0xffffff, 1.6);
  sun.position.set(3, 5, 4);
  scene.add(sun, root);
  const camera = new THREE.PerspectiveCamera(45, host.clientWidth / host.clientHeight, 0.01, 1000);
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.enableDamping = true;
  frame(camera, controls, root);
  // each mesh gets its own material so one part can glow without the others
  root.traverse((o) => {
    if (o instanceof THREE.Mesh && o.material instanceof THREE.MeshStandardMaterial) o.material = o.material.clone();
  });

  let selected: THREE.Object3D | null = null;
  const select = (object: THREE.Object3D | null) => {
    selected?.traverse((o) => {
      if (o instanceof THREE.Mesh && o.material instanceof THREE.MeshStandardMaterial) o.material.emissive.set(0x000000);
    });
    selected = object;
    object?.traverse((o) => {
      if (o instanceof THREE.Mesh && o.material instanceof THREE.MeshStandardMaterial) o.material.emissive.copy(HIGHLIGHT).multiplyScalar(0.6);
    });
  };

  const ray = new THREE.Raycaster();
  let down = { x: 0, y: 0 };
  const onDown = (e: PointerEvent) => (down = { x: e.clientX, y: e.clientY });
  const onUp = (e: PointerEvent) => {
    // a drag orbits; only a click picks
    if (Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return;
    const rect = renderer.domElement.getBoundingClientRect();
    ray.setFromCamera(new THREE.Vector2(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1), camera);
    const hit = ray.intersectObject(root, true)[0];
    if (hit) pick(hit.object);
  };
  renderer.domElement.addEventListener("pointerdown", onDown);
  renderer.domElement.addEventListener("pointerup", onUp);
  const onResize = () => {
    camera.aspect = host.clientWidth / host.clientHeight;
    camera.updateProjectionMatrix();
    renderer.setSize(host.clientWidth, host.clientHeight);
  };
  window.addEventListener("resize", onResize);
  renderer.setAnimationLoop(() => {
    controls.update();
    renderer.render(scene, camera);
  });
  return {
    fit: () => frame(camera, controls, selected ?? root),
    select,
    dispose: () => {
      renderer.setAnimationLoop(null);
      window.removeEventListener("resize", onResize);
      controls.dispose();
      renderer.dispose();
      renderer.domElement.remove();
    },
  };
}

function PartPanel(props: { documentId: string; entry: Entry | null }) {
  const ref = props.entry?.ref ?? null;
  const lookup = useLoad(
    () => (ref
      ? ok(api.GET("/api/v1/cad-3d/overlays/{document_id}/components/{component_ref}", {
        params: { path: { document_id: props.documentId, component_ref: ref } },
      }))
      : Promise.resolve(null)),
    [props.documentId, ref],
  );
  if (!props.entry) return <p className="muted">Click a component in the model or the tree.</p>;
  if (!ref) return <p className="muted">{props.entry.path}: not mapped to a part.</p>;
  const data: Schemas["ComponentLookup"] | null | undefined = lookup.data;
  return (
    <div>
      <h2>{data?.label ?? ref}</h2>
      <p className="muted">{ref}</p>
      <ErrorLine error={lookup.error} />
      {data?.item && (
        <dl className="facts column-facts" aria-label="Part">
          <div><dt>Part number</dt><dd data-testid="part-number">{data.item.item_number}</dd></div>
          <div><dt>Revision</dt><dd>{data.item.revision} ({data.item.state})</dd></div>
          <div><dt>Name</dt><dd>{data.item.name}</dd></div>
          <div><dt>Rule</dt><dd>{String(data.rule["kind"] ?? "")}</dd></div>
          {data.current && data.current.item_id !== data.item.item_id && (
            <div><dt>Current</dt><dd>{data.current.revision} ({data.current.state})</dd></div>
          )}
          <div><dt>Open</dt><dd><Link to={`/items/${data.item.item_id}`}>item page</Link></dd></div>
        </dl>
      )}
      {data && !data.item && <p>Status: {data.status.replace(/_/g, " ")}</p>}
      {data && data.documents.length > 0 && (
        <ul className="plain" aria-label="Documents of the part">
          {data.documents.map((d) => <li key={d.document_config_id}>{d.item_number} rev {d.revision} {d.name} <span className="muted">{d.role}</span></li>)}
        </ul>
      )}
    </div>
  );
}

function TreeList(props: { entries: Entry[]; selected: Entry | null; onSelect: (e: Entry) => void }) {
  return (
    <ul>
      {props.entries.map((e) => (
        <li key={e.node.object.uuid}>
          {e.node.name ? (
            <button type="button" className={props.selected === e ? "picked" : ""} aria-pressed={props.selected === e}
              onClick={() => props.onSelect(e)}>
              {e.node.name}
            </button>
          ) : null}
          {e.node.name && !e.ref ? <span className="muted small"> unmapped</span> : null}
          {e.children.length > 0 && <TreeList entries={e.children} selected={props.selected} onSelect={props.onSelect} />}
        </li>
      ))}
    </ul>
  );
}

export default function Viewer(props: { documentId: string }) {
  const host = useRef<HTMLDivElement>(null);
  const stage = useRef<Stage | null>(null);
  const [tree, setTree] = useState<Entry[]>([]);
  const [selected, setSelected] = useState<Entry | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [noGl, setNoGl] = useState(false);
  const [title, setTitle] = useState("");

  useEffect(() => {
    let live = true;
    (async () => {
      const overlay = await ok(api.GET("/api/v1/cad-3d/overlays/{document_id}", { params: { path: { document_id: props.documentId } } }));
      setTitle(`${overlay.document_number} rev ${overlay.document_revision} — ${overlay.document_name}`);
      const files = await ok(api.GET("/api/v1/items/{item_id}/files", { params: { path: { item_id: props.documentId }, query: { limit: 100 } } }));
      const viewable = files.items.filter((f) => f.role === "viewable" && /\.(glb|gltf)$/i.test(f.file.filename)).at(-1);
      if (!viewable) throw new Error("this document has no glTF or GLB viewable file");
      const { blob } = await download(`/files/${encodeURIComponent(viewable.file_id)}/content`);
      const gltf = await new GLTFLoader().parseAsync(await blob.arrayBuffer(), "");
      const json = gltf.parser.json as { nodes?: { name?: string }[] };
      const names = new Map<THREE.Object3D, { name: string; index: number }>();
      gltf.scene.traverse((o) => {
        const index = gltf.parser.associations.get(o)?.nodes;
        if (index !== undefined) names.set(o, { name: json.nodes?.[index]?.name ?? o.name, index });
      });
      if (!live) return;
      const roots = gltf.scene.children.map((c) => mirror(c, names));
      const entries = componentTree<Obj>(roots, new Set(overlay.components.map((c) => c.component_ref)));
      const byObject = new Map(flatten(entries).map((e) => [e.node.object, e]));
      setTree(entries);
      const pick = (o: THREE.Object3D) => {
        // the nearest ancestor mapped to a part, else the nearest named one
        let at: THREE.Object3D | null = o;
        let named: Entry | null = null;
        while (at) {
          const entry = byObject.get(at);
          if (entry?.ref) return choose(entry);
          if (entry && !named) named = entry;
          at = at.parent;
        }
        if (named) choose(named);
      };
      const choose = (entry: Entry) => {
        setSelected(entry);
        stage.current?.select(entry.node.object);
      };
      try {
        if (host.current) stage.current = mount(host.current, gltf.scene, pick);
      } catch {
        setNoGl(true);
      }
    })().catch((caught: unknown) => live && setError(caught));
    return () => {
      live = false;
      stage.current?.dispose();
      stage.current = null;
    };
  }, [props.documentId]);

  const choose = (entry: Entry) => {
    setSelected(entry);
    stage.current?.select(entry.node.object);
  };
  const refused = error instanceof ApiError && error.status === 403;
  return (
    <section>
      <p><Link to={`/items/${props.documentId}`}>← Document</Link></p>
      <h1>3D viewer{title ? `: ${title}` : ""}</h1>
      {refused ? (
        <div className="error" role="alert">
          <strong>You may not see this model.</strong> {(error as ApiError).message} ({(error as ApiError).code})
        </div>
      ) : (
        <ErrorLine error={error} />
      )}
      {!refused && (
        <div className="viewer">
          <nav className="comp-tree" aria-label="Component tree">
            <TreeList entries={tree} selected={selected} onSelect={choose} />
          </nav>
          <div className="scene-col">
            <div className="toolbar">
              <button type="button" onClick={() => stage.current?.fit()}>Fit</button>
              <span className="muted small">drag: orbit · scroll: zoom · right-drag: pan · click: pick</span>
            </div>
            <div ref={host} className="scene" data-testid="scene" />
            {noGl && <p className="error" role="alert">This browser has no WebGL: the tree and the part panel still work.</p>}
          </div>
          <aside className="side" aria-label="Part panel">
            <PartPanel documentId={props.documentId} entry={selected} />
          </aside>
        </div>
      )}
    </section>
  );
}
