import { Link } from '@tanstack/react-router';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useCan, useMe } from '../../session/use-me.ts';
import { BulkPaste } from './BulkPaste.tsx';
import { RegisterSampleForm } from './RegisterSampleForm.tsx';
import { useOrganiserNames } from './sample-queries.ts';
import './samples.css';

/** Register samples: one through a form, or many pasted from a spreadsheet. */
export function RegisterSamplesPage() {
  const me = useMe();
  const can = useCan();
  const names = useOrganiserNames();
  if (me.isPending) return <Loading />;
  if (!can('samples:create')) {
    return (
      <>
        <PageHeader title="Register samples" />
        <InfoNotice tone="warning">
          You do not have permission to register samples (it needs samples:create). Ask your administrator for
          a role that has it.
        </InfoNotice>
        <p>
          <Link to="/samples">Back to the samples</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <p>
        <Link to="/samples">← Samples</Link>
      </p>
      <PageHeader
        title="Register samples"
        subtitle={
          <>
            For a file of up to 10,000 rows, use the <Link to="/samples/import">CSV import</Link>.
          </>
        }
      />
      <Tabs className="tabs card">
        <TabList aria-label="How to register">
          <Tab id="one" className="tab">
            One sample
          </Tab>
          <Tab id="paste" className="tab">
            Paste rows
          </Tab>
        </TabList>
        <TabPanel id="one">
          <RegisterSampleForm names={names} />
        </TabPanel>
        <TabPanel id="paste">
          <BulkPaste />
        </TabPanel>
      </Tabs>
    </>
  );
}
