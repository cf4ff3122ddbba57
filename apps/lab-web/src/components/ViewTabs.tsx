import type { ReactNode } from 'react';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';

export interface View<V extends string> {
  id: V;
  label: string;
}

/**
 * The views of a page as React Aria tabs (arrow keys move between them); the selected view lives in
 * the address (`?view=`), so the caller turns a selection into a navigation.
 */
export function ViewTabs<V extends string>({
  label,
  views,
  selected,
  onSelect,
  children,
}: {
  label: string;
  views: readonly View<V>[];
  selected: V;
  onSelect: (view: V) => void;
  children: (view: V) => ReactNode;
}) {
  return (
    <Tabs className="tabs" selectedKey={selected} onSelectionChange={(key) => onSelect(String(key) as V)}>
      <TabList aria-label={label} className="inv-tab-list">
        {views.map((view) => (
          <Tab key={view.id} id={view.id} className="tab">
            {view.label}
          </Tab>
        ))}
      </TabList>
      {views.map((view) => (
        <TabPanel key={view.id} id={view.id} className="inv-tab-panel">
          {children(view.id)}
        </TabPanel>
      ))}
    </Tabs>
  );
}
