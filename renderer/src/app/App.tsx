import { Component, type ReactNode } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { i18n as I18n } from 'i18next';
import { Link, Route, Routes } from 'react-router-dom';
import { AboutPage } from '../features/about/AboutPage';
import { LessonPage } from '../features/lessons/LessonPage';
import { LibraryPage } from '../features/library/LibraryPage';
import { MaterialsPage } from '../features/materials/MaterialsPage';
import { ReportsPage } from '../features/reports/ReportsPage';
import { SearchPage } from '../features/search/SearchPage';
import { StudentIdleWatcher } from '../features/student/StudentIdleWatcher';
import { StudentPage } from '../features/student/StudentPage';
import { SyncProvider } from '../features/sync/sync-context';
import { RequireTeacher } from '../features/teacher/RequireTeacher';
import { TeacherModeProvider } from '../features/teacher/teacher-mode';
import { TeacherPage } from '../features/teacher/TeacherPage';
import { ErrorMessage } from './ErrorMessage';
import { Frame } from './Frame';
import { ServicesProvider, type Services } from './services';

function NotFound() {
  const { t } = useTranslation();
  return (
    <div>
      <h1>{t('notFound.title')}</h1>
      <Link to="/" className="button">
        {t('notFound.back')}
      </Link>
    </div>
  );
}

/** The routes inside the frame. Needs a router around it (HashRouter in main.tsx, MemoryRouter in tests). */
export function AppRoutes() {
  return (
    <>
      <StudentIdleWatcher />
      <Routes>
      <Route element={<Frame />}>
        <Route index element={<LibraryPage />} />
        <Route path="teacher" element={<TeacherPage />} />
        <Route path="teacher/reports" element={<RequireTeacher><ReportsPage /></RequireTeacher>} />
        <Route path="student" element={<StudentPage />} />
        <Route path="materials" element={<MaterialsPage />} />
        <Route path="search" element={<SearchPage />} />
        <Route path="about" element={<AboutPage />} />
        <Route path="lesson/:packId/:lessonId" element={<LessonPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
      </Routes>
    </>
  );
}

class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    if (this.state.error) return <ErrorMessage error={this.state.error} onRetry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}

/** Providers: translations and services (bridge, platform, db). */
export function AppProviders({ services, i18n, children }: { services: Services; i18n: I18n; children: ReactNode }) {
  return (
    <I18nextProvider i18n={i18n}>
      <ServicesProvider services={services}>
        <TeacherModeProvider>
          <SyncProvider>
            <ErrorBoundary>{children}</ErrorBoundary>
          </SyncProvider>
        </TeacherModeProvider>
      </ServicesProvider>
    </I18nextProvider>
  );
}
