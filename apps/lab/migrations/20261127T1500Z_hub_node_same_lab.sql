-- A device hub's computer must be in the hub's own lab. The service already checks this; the
-- database now guarantees it too, like every other lab-owned reference (same-lab composite keys).
ALTER TABLE public.nodes ADD CONSTRAINT nodes_lab_id_id_key UNIQUE (lab_id, id);
ALTER TABLE public.device_hubs
  ADD CONSTRAINT device_hubs_node_same_lab_fkey FOREIGN KEY (lab_id, node_id) REFERENCES public.nodes (lab_id, id);
